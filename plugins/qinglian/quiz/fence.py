"""Reads the body of a ```quiz fence: which quiz to show here."""

from __future__ import annotations

from ..common.errors import ContentError, ContentProblem
from ..common.fences import Fence
from ..common.yamlio import LineDict, load_yaml
from .loader import Library, did_you_mean

FENCE_KEYS = ("id",)


def resolve_fence(fence: Fence, path: str, library: Library) -> tuple[str | None, ContentProblem | None]:
    """Return (quiz id, None) for a valid fence, or (None, the problem)."""
    def problem(line_in_body: int, message: str, fix: str):
        return None, ContentProblem(path, fence.start + line_in_body, message, fix)

    try:
        data = load_yaml(fence.body, path)
    except ContentError as error:
        line = error.problems[0].line or 1
        return problem(line, "the quiz block is not valid YAML", "write it as 'id: <quiz id>'")
    if not isinstance(data, LineDict) or "id" not in data:
        return problem(1, "the quiz block does not say which quiz to show",
                       "write 'id: <quiz id>' inside it, e.g. id: onboarding")
    for key in data:
        if key not in FENCE_KEYS:
            return problem(data.line_of(key), f"unknown key '{key}' in the quiz block"
                           + did_you_mean(key, FENCE_KEYS), "write only 'id: <quiz id>'")
    quiz_id = str(data["id"])
    if quiz_id in library.broken:
        return problem(data.line_of("id"), f"quiz '{quiz_id}' is left out because "
                       f"quizzes/{quiz_id}.yml has errors", "fix the errors reported for that file")
    if quiz_id not in library.quizzes:
        return problem(data.line_of("id"), f"unknown quiz id '{quiz_id}'"
                       + did_you_mean(quiz_id, library.quizzes),
                       "use the name of a file in quizzes/ without .yml")
    return quiz_id, None
