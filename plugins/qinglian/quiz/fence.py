"""Reads the body of a ```quiz fence: which quiz to show here."""

from __future__ import annotations

from ..common.errors import ContentProblem, did_you_mean
from ..common.fences import Fence, fence_id
from .loader import Library


def resolve_fence(fence: Fence, path: str, library: Library) -> tuple[str | None, ContentProblem | None]:
    """Return (quiz id, None) for a valid fence, or (None, the problem)."""
    quiz_id, line, problem = fence_id(fence, path)
    if problem:
        return None, problem
    if quiz_id in library.broken:
        return None, ContentProblem(path, line, f"quiz '{quiz_id}' is left out because "
                                    f"quizzes/{quiz_id}.yml has errors",
                                    "fix the errors reported for that file")
    if quiz_id not in library.quizzes:
        return None, ContentProblem(path, line, f"unknown quiz id '{quiz_id}'"
                                    + did_you_mean(quiz_id, library.quizzes),
                                    "use the name of a file in quizzes/ without .yml")
    return quiz_id, None
