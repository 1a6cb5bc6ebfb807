"""All pledges of a site: read from their pages, checked against each other and the lock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import ContentProblem, did_you_mean
from ..common.fences import Fence, fence_id, find_fences
from ..common.pages import read_source
from ..common.yamlio import trainer_files
from .lock import LOCK_NAME, archive_problems, lock_problems, minor_change_problems, read_lock
from .models import Pledge, read_pledge


@dataclass
class PledgeLibrary:
    pledges: dict[str, Pledge] = field(default_factory=dict)
    lock: dict = field(default_factory=dict)
    unlocked: set[str] = field(default_factory=set)  # left out of pages until locked
    problems: list[ContentProblem] = field(default_factory=list)
    # The lock file unreadable or missing published texts: `qinglian pledge lock`
    # would write over the history, so it refuses
    lock_errors: list[ContentProblem] = field(default_factory=list)


def load_pledges(folder: Path, shown_folder: str) -> PledgeLibrary:
    """Read every pledge page in ``folder`` (shown as ``shown_folder`` in messages)."""
    library = PledgeLibrary()
    library.lock, library.lock_errors = read_lock(folder / LOCK_NAME, f"{shown_folder}/{LOCK_NAME}")
    damaged = []
    if not library.lock_errors:  # an unreadable lock lists nothing: said once
        lost, damaged = archive_problems(folder, library.lock, shown_folder)
        library.lock_errors += lost
    library.problems = library.lock_errors + damaged
    for path in trainer_files(folder, "*.md"):
        shown = f"{shown_folder}/{path.name}"
        source, problem = read_source(path, shown)
        if problem:
            library.problems.append(problem)
            continue
        pledge, problems = read_pledge(source, shown)
        library.problems += problems
        if pledge is None:
            continue
        first = library.pledges.get(pledge.id)
        if first:
            library.problems.append(ContentProblem(
                shown, pledge.line, f"duplicate pledge id '{pledge.id}' (first in {first.path})",
                "give every pledge page its own id"))
            continue
        fences = find_fences(source, {"pledge"})
        if not fences:
            library.problems.append(ContentProblem(
                shown, pledge.line, f"pledge '{pledge.id}' has no signing form",
                f"add a block ```pledge with 'id: {pledge.id}' where the form should appear"))
        unlocked = lock_problems(pledge, library.lock)
        if unlocked:
            # Each pledge looks unlocked when the lock is unreadable: that is said once
            if not library.lock_errors:
                library.problems += unlocked
            library.unlocked.add(pledge.id)
        library.problems += minor_change_problems(pledge, library.lock)
        library.pledges[pledge.id] = pledge
    return library


def resolve_fence(fence: Fence, path: str, library: PledgeLibrary) -> tuple[str | None, ContentProblem | None]:
    """Return (pledge id, None) for a valid ```pledge block, or (None, the problem).

    A pledge whose text is not locked gives (None, None): its lock problem is
    reported already, and nobody may sign words that are not published.
    """
    pledge_id, line, problem = fence_id(fence, path)
    if problem:
        return None, problem
    if pledge_id in library.unlocked:
        return None, None
    if pledge_id not in library.pledges:
        return None, ContentProblem(path, line, f"unknown pledge id '{pledge_id}'"
                                    + did_you_mean(pledge_id, library.pledges),
                                    "use the id from the 'pledge:' front matter of a page in "
                                    "content/pledges/")
    return pledge_id, None
