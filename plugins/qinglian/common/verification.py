"""Verification codes of completed routes, computed here as path.js computes them.

The records that complete a route (one person's) are chosen by one rule:

- a read step: per page, the earliest progress record (by created, then id)
  with that path, the step string "<step id>:<page>" and done true;
- a quiz step: the earliest attempt of that quiz that passed;
- a pledge step: the earliest signature of the pledge's current version (the
  last in the lock) with one of that version's published texts.

The code is the Crockford base32 of SHA-256 over the sorted record ids joined
by newlines, first 16 characters, shown as XXXX-XXXX-XXXX-XXXX.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 16
# Crockford's decoding: letters people mistake for digits
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def verification_code(ids: Iterable[str]) -> str:
    """Return the 16-character code of a set of record ids."""
    digest = hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).digest()
    bits = int.from_bytes(digest, "big")
    total = len(digest) * 8
    return "".join(ALPHABET[(bits >> (total - 5 * (n + 1))) & 31] for n in range(LENGTH))


def formatted(code: str) -> str:
    """Return ``code`` as XXXX-XXXX-XXXX-XXXX."""
    return "-".join(code[n:n + 4] for n in range(0, LENGTH, 4))


def normalised(text: str) -> str | None:
    """Return the code a person typed (any case or width, dashes, spaces, O for 0), or
    None. Typed with a Chinese input method in full-width mode, ＡＢＣＤ－１２ is ABCD-12."""
    code = "".join(unicodedata.normalize("NFKC", text).split()).replace("-", "").upper()
    code = code.translate(_READ_AS)
    return code if len(code) == LENGTH and all(c in ALPHABET for c in code) else None


def completing_records(records: list[dict], steps: list[dict],
                       current_pledges: dict[str, tuple[str, frozenset[str]]],
                       path: str) -> list[dict] | None:
    """Return the records of one person that complete the route ``path`` (its manifest
    ``steps``), or None while a step is not done. ``current_pledges`` maps a pledge id
    to its current version and that version's published hashes."""
    chosen = []
    for step in steps:
        found = step_records(records, step, current_pledges, path)
        if None in found:
            return None
        chosen += found
    return chosen


def step_records(records: list[dict], step: dict,
                 current_pledges: dict[str, tuple[str, frozenset[str]]],
                 path: str) -> list[dict | None]:
    """Return, for each thing ``step`` needs (each page of a read step; else one), the
    earliest of one person's ``records`` that does it, or None where none does."""
    ordered = sorted(records, key=lambda record: (record["created"], record["id"]))
    wanted = ([f"{step['id']}:{page}" for page in step["pages"]] if step["kind"] == "read"
              else [None])
    return [next((record for record in ordered
                  if _completes(record, step, step_string, current_pledges, path)), None)
            for step_string in wanted]


def _completes(record: dict, step: dict, step_string: str | None,
               current_pledges: dict[str, tuple[str, frozenset[str]]], path: str) -> bool:
    kind = step["kind"]
    if kind == "read":
        progress = record.get("progress") or {}
        return (record.get("kind") == "progress" and progress.get("path") == path
                and progress.get("step") == step_string and progress.get("done") is True)
    if kind == "quiz":
        attempt = record.get("attempt") or {}
        return (record.get("kind") == "attempt" and attempt.get("quiz_id") == step["quiz"]
                and attempt.get("passed") is True)
    pledge = record.get("pledge") or {}
    version, hashes = current_pledges.get(step["pledge"], (None, frozenset()))
    return (record.get("kind") == "pledge" and pledge.get("id") == step["pledge"]
            and pledge.get("version") == version and pledge.get("sha256") in hashes)
