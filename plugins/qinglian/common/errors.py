"""One shape for every content problem: file, line, what is wrong, how to fix it."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ContentProblem:
    """A mistake in a trainer's file, reported as ``file:line: message — fix``."""

    path: str
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class ContentError(Exception):
    """Raised when a file cannot be read at all (the problems say why)."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def shown_path(path: str, config_file_path: str) -> str:
    """Return ``path`` relative to the project (mkdocs.yml's folder), as trainers see it."""
    return os.path.relpath(path, os.path.dirname(os.path.abspath(config_file_path)))
