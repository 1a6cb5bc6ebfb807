"""Reads the body of a ```quiz fence: which quiz to show here."""

from __future__ import annotations

from typing import Callable

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


def page_resolver(library: Library) -> Callable[[Fence, str], tuple[str | None, ContentProblem | None]]:
    """Return what resolves one page's quiz blocks, in order: as resolve_fence, and a quiz
    shown a second time on the page is a problem there (two forms would share their
    fields' ids, and each keep its own copy of the person's paper)."""
    shown_at: dict[str, int] = {}  # quiz id → the line of its block

    def resolve(fence: Fence, path: str) -> tuple[str | None, ContentProblem | None]:
        quiz_id, problem = resolve_fence(fence, path, library)
        if quiz_id in shown_at:
            return None, ContentProblem(path, fence.start, f"quiz '{quiz_id}' is already shown "
                                        f"on this page (line {shown_at[quiz_id]})",
                                        "show each quiz once on a page")
        if quiz_id:
            shown_at[quiz_id] = fence.start
        return quiz_id, problem

    return resolve
