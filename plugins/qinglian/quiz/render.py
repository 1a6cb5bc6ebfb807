"""Turns a validated quiz into the HTML the browser script starts from.

The whole question pool goes into the block's ``data-quiz`` attribute
(common/blocks.py). In exam mode the answers are not in the
page in plain text, only salted SHA-256 digests, and explanations are left
out. That stops a glance at view-source, not a determined cheater.
"""

from __future__ import annotations

import json
import re
import unicodedata
from html import escape

from ..common.blocks import render_block
from ..common.hashing import sha256_hex, short_hash
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


def render_quiz(payload: dict, scripts: list[str], stylesheets: list[str], noscript: str) -> str:
    """Return the quiz's container: the form with its data, its stylesheets and scripts."""
    heading = f'<h2 class="qinglian-quiz__title">{escape(payload["title"])}</h2>'
    return render_block("quiz", payload["id"], payload, scripts, stylesheets, noscript,
                        heading, f' data-mode="{payload["mode"]}"')


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
