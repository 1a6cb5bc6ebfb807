"""Turns a validated quiz into the HTML the browser script starts from.

The whole question pool goes into the block's ``data-quiz`` attribute
(common/blocks.py), made once per quiz and kept between builds (QuizBlocks).
In exam mode the answers are not in the page in plain text, only salted
SHA-256 digests, and explanations are left out. That stops a glance at
view-source, not a determined cheater.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..common.blocks import block_data, render_block
from ..common.cachefiles import keep_pickled, kept_pickle
from ..common.hashing import sha256_hex, short_hash
from .loader import Library
from .models import Question, Quiz


def normalize_answer(text: str) -> str:
    """Fold width (NFKC), spaces and case, as the browser does before comparing."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def canonical_answers(question: Question) -> list[str]:
    """Return the answer(s) as the browser writes them before hashing."""
    if question.type == "fill_blank":
        return sorted({normalize_answer(text) for text in question.answer})
    if question.type == "true_false":
        return ["true" if question.answer[0] else "false"]
    return [",".join(str(index) for index in question.answer)]


def quiz_payload(quiz: Quiz, questions: dict[str, Question]) -> dict:
    """Return what the browser needs to draw, show and grade papers of ``quiz``."""
    if quiz.draw:
        rules = [{"count": rule.count,
                  "pool": [q.id for q in questions.values() if rule.matches(q)]}
                 for rule in quiz.draw]
    else:
        rules = [{"count": len(quiz.questions), "pool": list(quiz.questions), "fixed": True}]
    used = dict.fromkeys(question_id for rule in rules for question_id in rule["pool"])
    payload = {
        "id": quiz.id,
        "title": quiz.title,
        "mode": quiz.mode,
        "size": sum(rule["count"] for rule in rules),
        "pass_mark": quiz.pass_mark,
        "time_limit": quiz.time_limit,
        "max_attempts": quiz.max_attempts,
        "shuffle_options": quiz.shuffle_options,
        "draw": rules,
        "questions": {qid: _question_payload(quiz, questions[qid]) for qid in used},
    }
    # Names this exact quiz (questions, answers, rules) in every attempt record
    payload["hash"] = sha256_hex(json.dumps(payload, ensure_ascii=False, sort_keys=True))
    return payload


@dataclass(frozen=True)
class QuizBlock:
    """What a page's quiz block shows, made from a quiz once (see QuizBlocks)."""

    id: str
    title: str
    mode: str
    data: str  # quiz_payload() as the block's data attribute holds it


class QuizBlocks:
    """Every quiz's block of a library, made when first shown and kept in
    ``folder`` for the next build while the banks, quizzes and this code stay the same.

    Making a quiz's payload, its hash and its attribute JSON cost 0.05-0.09 s of
    a 1,000-page build with 500 quizzes (scripts/bench.py, per-function CPU).
    """

    CODE = [Path(__file__)] + [Path(__file__).parent.parent / "common" / name
                               for name in ("blocks.py", "hashing.py")]

    def __init__(self, library: Library, folder: Path | None):
        self.library = library
        self.file = folder / "blocks.bin" if folder and library.key else None
        self.key = sha256_hex("\n".join([library.key, *(sha256_hex(path.read_bytes())
                                                         for path in self.CODE)]))
        self.blocks: dict[str, QuizBlock] = (kept_pickle(self.file, self.key) if self.file
                                             else None) or {}
        self.made = 0  # blocks made in this build, not kept yet

    def __getitem__(self, quiz_id: str) -> QuizBlock:
        if quiz_id not in self.blocks:
            quiz = self.library.quizzes[quiz_id]
            payload = quiz_payload(quiz, self.library.questions)
            self.blocks[quiz_id] = QuizBlock(quiz.id, quiz.title, quiz.mode, block_data(payload))
            self.made += 1
        return self.blocks[quiz_id]

    def keep(self) -> None:
        """Store the blocks for the next build, if any were made in this one."""
        if self.file and self.made:
            keep_pickled(self.file, self.key, self.blocks)
            self.made = 0


def render_quiz(block: QuizBlock, scripts: list[str], stylesheets: list[str], fallback: str) -> str:
    """Return the quiz's container: the form with its data, its stylesheets and scripts."""
    heading = f'<h2 class="qinglian-quiz__title">{escape(block.title)}</h2>'
    return render_block("quiz", block.id, block.data, scripts, stylesheets, fallback,
                        heading, f' data-mode="{block.mode}"')


# -----------------------------------------------------------------------------


def _question_payload(quiz: Quiz, question: Question) -> dict:
    shown = {"type": question.type, "stem": question.stem, "options": list(question.options),
             "standards": list(question.standards)}
    if quiz.mode == "practice":
        answer = question.answer[0] if question.type == "true_false" else list(question.answer)
        return {**shown, "answer": answer, "explanation": question.explanation}
    # Exam: a per-question salt, so equal answers ("0", "true") hash differently
    salt = short_hash(f"{quiz.id}/{question.id}/{question.stem}", 16)
    digests = [sha256_hex(f"{salt}:{answer}") for answer in canonical_answers(question)]
    return {**shown, "salt": salt, "digests": digests}
