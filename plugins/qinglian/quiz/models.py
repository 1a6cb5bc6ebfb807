"""What a question bank and a quiz definition hold, once validated."""

from __future__ import annotations

from dataclasses import dataclass

from ..common.pages import STANDARDS

QUESTION_TYPES = ("single", "multiple", "true_false", "fill_blank")
DIFFICULTIES = ("easy", "medium", "hard")
MODES = ("practice", "exam")
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    stem: str
    options: tuple[str, ...]  # empty for true_false and fill_blank
    # single/multiple: option indexes (0-based, in written order);
    # true_false: (True,) or (False,); fill_blank: the accepted texts
    answer: tuple
    explanation: str
    standards: tuple[int, ...]
    difficulty: str
    lesson: str | None
    where: str  # "quizzes/banks/x.yml:12", for messages
    bank: str  # the bank's file stem, "x"
    exam_only: bool  # its bank is kept for exams: no practice page shows it


@dataclass(frozen=True)
class DrawRule:
    standards: tuple[int, ...]
    difficulties: tuple[str, ...]
    banks: tuple[str, ...]  # file stems; empty: every bank
    for_exam: bool  # an exam's rule: exam-only questions may be drawn
    count: int
    line: int

    def matches(self, question: Question) -> bool:
        return ((self.for_exam or not question.exam_only)
                and (not self.banks or question.bank in self.banks)
                and question.difficulty in self.difficulties
                and any(standard in self.standards for standard in question.standards))


@dataclass(frozen=True)
class Quiz:
    id: str
    title: str
    mode: str
    draw: tuple[DrawRule, ...]  # empty when the paper is fixed
    questions: tuple[str, ...]  # the fixed paper, empty when drawn
    pass_mark: float
    time_limit: float | None  # minutes
    max_attempts: int | None
    shuffle_options: bool
    path: str
