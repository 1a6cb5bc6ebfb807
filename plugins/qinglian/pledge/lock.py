"""The lock file: every published version of every pledge, with its hash and date.

``qinglian pledge lock`` writes it and archives each published text beside
it, so a stored hash can always be shown as the exact words signed. The
build only reads it: a text that changed without a new version fails.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from ..common.errors import ContentProblem
from ..common.hashing import sha256_hex
from ..common.pages import conflict_line
from ..common.writes import write_whole
from .models import Pledge, signed_text

LOCK_NAME = "pledges.lock.json"
ARCHIVE_DIR = "archive"


def read_lock(path: Path, shown: str) -> tuple[dict, list[ContentProblem]]:
    """Return the lock ({pledge id: [entries]}) and any problem reading it."""
    if not path.is_file():
        return {}, []
    try:
        # utf-8-sig: Notepad re-saves the file with a BOM, which JSON refuses
        text = path.read_text(encoding="utf-8-sig")
        # Two trainers locked on two branches: both sides hold published texts
        conflict = conflict_line(text)
        if conflict:
            return {}, [ContentProblem(
                shown, conflict, "the lock file has git merge conflict markers",
                "keep the entries of both sides (each is a text that was published), delete "
                "the marker lines and list each pledge's current version last; then run "
                "qinglian pledge lock")]
        lock = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        return {}, [ContentProblem(shown, getattr(error, "lineno", None),
                                   f"the lock file is not valid JSON ({error})",
                                   "restore it from version control, then run qinglian pledge lock")]
    if not isinstance(lock, dict):
        return {}, [ContentProblem(shown, 1, "the lock file is not a JSON object",
                                   "restore it from version control")]
    for pledge_id, entries in lock.items():
        if (not isinstance(entries, list)
                or not all(isinstance(entry, dict) for entry in entries)):
            return {}, [ContentProblem(shown, None, f"the lock's entry for '{pledge_id}' is not "
                                       "a list of versions", "restore it from version control")]
        for number, entry in enumerate(entries, start=1):
            # The build, the routes and the collector's reports read these two
            wrong = [key for key, valid in _ENTRY_KEYS.items() if not valid(entry.get(key))]
            if wrong:
                return {}, [ContentProblem(
                    shown, None, f"the lock's entry for '{pledge_id}', version {number} in its list, "
                    f"has no valid '{wrong[0]}'",
                    "restore it from version control, then run qinglian pledge lock")]
    return lock, []


_ENTRY_KEYS = {
    "version": lambda value: isinstance(value, str) and value != "",
    "sha256": lambda value: isinstance(value, str) and re.fullmatch("[0-9a-f]{64}", value) is not None,
}


def archive_problems(folder: Path, lock: dict, shown: str) -> tuple[list[ContentProblem],
                                                                    list[ContentProblem]]:
    """Return the problems of the archive against the lock: first those that make
    ``qinglian pledge lock`` refuse (published texts the lock lost), then archived
    texts missing or altered."""
    named = {_archive_of(pledge_id, entry):
             entry for pledge_id, entries in lock.items() for entry in entries}
    files = sorted(path.relative_to(folder).as_posix()
                   for path in (folder / ARCHIVE_DIR).rglob("*.md"))
    lost = [name for name in files if name not in named]
    refusing = []
    if lost:
        # A deleted lock file, or a merge that dropped entries: locking now would
        # start the history afresh, and the collector would refuse those signatures
        lock_file = f"{shown}/{LOCK_NAME}"
        if (folder / LOCK_NAME).is_file():
            more = f" and {len(lost) - 1} more" if len(lost) > 1 else ""
            refusing.append(ContentProblem(
                lock_file, None, f"the lock file does not list the published text "
                f"{shown}/{lost[0]}{more}", "restore its entries from version control "
                "(after a git merge, keep the entries of both sides)"))
        else:
            refusing.append(ContentProblem(
                lock_file, None, f"the lock file is missing, but {shown}/{ARCHIVE_DIR}/ holds "
                f"{len(lost)} published texts", f"restore it from version control (git "
                f"checkout -- {lock_file}): a new lock would leave out the versions people "
                "signed, and the collector would refuse their signatures"))
    damaged = []
    for name, entry in named.items():
        path = folder / name
        if not path.is_file():
            if "archive" in entry:
                damaged.append(ContentProblem(
                    f"{shown}/{name}", None, "the archived text of a published pledge version "
                    "is missing", "restore it from version control: it shows the words "
                    "people signed"))
        elif _archived_hash(path) != entry["sha256"]:
            damaged.append(ContentProblem(
                f"{shown}/{name}", None, "the archived text was changed after it was "
                "published: its SHA-256 is no longer the one signed",
                "restore it from version control; to change a pledge, edit its page"))
    return refusing, damaged


def lock_status(pledge: Pledge, lock: dict) -> str:
    """Say where ``pledge`` stands: locked, new (version not locked), older (a locked
    version other than the lock's latest), minor (a typo fix of a locked version),
    changed (text changed without a new version) or audience (the audience changed
    without a new version)."""
    entries = [e for e in lock.get(pledge.id, []) if e.get("version") == pledge.version]
    if not entries:
        return "new"
    # The collector's reports count the lock's last version as the one to sign
    if lock[pledge.id][-1].get("version") != pledge.version:
        return "older"
    # The form asks the locked audience's details and the collector checks them
    if any(e.get("audience", pledge.audience) != pledge.audience for e in entries):
        return "audience"
    if any(e.get("sha256") == pledge.sha256 for e in entries):
        return "locked"
    return "minor" if pledge.minor_change else "changed"


def lock_problems(pledge: Pledge, lock: dict) -> list[ContentProblem]:
    """Return the problem of a pledge whose text or version is not in the lock."""
    status = lock_status(pledge, lock)
    if status == "locked":
        return []
    latest = (lock.get(pledge.id) or [{}])[-1].get("version")
    message, fix = {
        "new": (f"pledge '{pledge.id}' version {pledge.version} is not locked",
                "run 'qinglian pledge lock' to publish it, and commit the lock and archive"),
        "minor": (f"pledge '{pledge.id}' version {pledge.version} has a typo fix not yet locked",
                  "run 'qinglian pledge lock', and commit the lock and archive"),
        "older": (f"pledge '{pledge.id}' is at version {pledge.version}, but version {latest} "
                  "was locked after it", "a version cannot go back: to publish an earlier text "
                  "again, give it a new version; if a git merge put the lock's entries out of "
                  f"order, move version {pledge.version}'s entries to the end of its list; "
                  "then run 'qinglian pledge lock'"),
        "changed": (f"the text of pledge '{pledge.id}' changed but its version is still "
                    f"{pledge.version}", "bump 'version' (people will be asked to sign again), "
                    "or set 'minor_change: true' for a typo fix (old signatures stay valid); "
                    "then run 'qinglian pledge lock'"),
        "audience": (f"the audience of pledge '{pledge.id}' changed to {pledge.audience} but its "
                     f"version is still {pledge.version}", "bump 'version' (the form then asks "
                     "for the new audience's details and people sign again), then run "
                     "'qinglian pledge lock'"),
    }[status]
    return [ContentProblem(pledge.path, pledge.line, message, fix)]


def minor_change_problems(pledge: Pledge, lock: dict) -> list[ContentProblem]:
    """Return the problem of a 'minor_change: true' left set once the typo fix is locked:
    every later edit of the text would be locked as a typo fix, counted as signed."""
    if not pledge.minor_change or lock_status(pledge, lock) != "locked":
        return []
    return [ContentProblem(pledge.path, pledge.line,
                           f"'minor_change: true' is still set, though pledge '{pledge.id}' "
                           f"version {pledge.version} is locked",
                           "delete it, so that the next change of the text needs a new version "
                           "or a new 'minor_change: true'")]


def update_lock(pledges: list[Pledge], lock: dict,
                today: date) -> tuple[dict, list[Pledge], list[ContentProblem]]:
    """Return the new lock, the pledges added to it, and the problems of those refused
    (an older version, or text or audience changed without a new version)."""
    lock = {key: list(entries) for key, entries in lock.items()}
    added, refused = [], []
    for pledge in pledges:
        status = lock_status(pledge, lock)
        if status in ("older", "changed", "audience"):
            refused += lock_problems(pledge, lock)
        elif status in ("new", "minor"):
            entry = {"version": pledge.version, "sha256": pledge.sha256,
                     "date": today.isoformat(), "title": pledge.title,
                     "audience": pledge.audience, "archive": archive_name(pledge)}
            if status == "minor":
                entry["minor_change"] = True
            lock.setdefault(pledge.id, []).append(entry)
            added.append(pledge)
    return lock, added, refused


def archive_name(pledge: Pledge) -> str:
    """Return where the archived text of ``pledge`` lives, relative to the lock file."""
    return _archive_path(pledge.id, pledge.version, pledge.sha256)


def _archive_path(pledge_id: str, version: str, sha256: str) -> str:
    return f"{ARCHIVE_DIR}/{pledge_id}/{version}-{sha256[:12]}.md"


def _archived_hash(path: Path) -> str:
    # Read as a page is, so a checkout with CRLF line endings (Windows) or a copy
    # re-saved by Notepad (a BOM) still matches: only a change of the words counts
    text = path.read_bytes().decode("utf-8-sig", "replace")
    return sha256_hex(signed_text(text.replace("\r\n", "\n").replace("\r", "\n")))


def _archive_of(pledge_id: str, entry: dict) -> str:
    """Return where a lock entry's text is archived (the lock says; else where it would be)."""
    name = entry.get("archive")
    return name if isinstance(name, str) else _archive_path(pledge_id, entry["version"],
                                                           entry["sha256"])


def write_lock(folder: Path, lock: dict, added: list[Pledge]) -> None:
    """Write the archived texts of newly added versions, then the lock file: all of them
    or, when one cannot be written (OSError raised), none. An archived text the lock
    does not list would stop the next lock."""
    archived = []
    try:
        for pledge in added:
            path = folder / archive_name(pledge)
            # Exactly the hashed words: sha256sum of the file gives the stored hash
            write_whole(path, pledge.text.encode("utf-8"))
            archived.append(path)
        text = json.dumps(lock, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        write_whole(folder / LOCK_NAME, text.encode("utf-8"))
    except BaseException:
        for path in archived:
            path.unlink(missing_ok=True)
        raise
