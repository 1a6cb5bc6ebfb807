"""Files in a build cache (.cache/qinglian/…): written whole or not at all.

A cache only saves time. A file is written under a temporary name and renamed
into place, so a build killed half-way never leaves a file cut short for the
next one; a cache folder that cannot be written costs only that time.
"""

from __future__ import annotations

import os
import pickle
from contextlib import suppress
from pathlib import Path

from .writes import write_whole


def keep(path: Path, data: bytes) -> None:
    """Store ``data`` at ``path`` for the next build, if the cache can be written."""
    with suppress(OSError):
        write_whole(path, data)


def writable(folder: Path) -> bool:
    """Make ``folder`` if need be, and return whether files can be written in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def keep_pickled(path: Path, key: str, value) -> None:
    """Store ``value`` at ``path`` under ``key`` (see kept_pickle), if it can be pickled."""
    try:
        keep(path, pickle.dumps((key, value), pickle.HIGHEST_PROTOCOL))
    except RecursionError:  # nested too deep to pickle: made again next time
        pass


def kept_pickle(path: Path, key: str):
    """Return the value keep_pickled stored at ``path`` under ``key``, or None: absent,
    cut short, from another version of the code, or kept under another key."""
    try:
        kept_key, value = pickle.loads(path.read_bytes())
    except Exception:
        return None
    return value if kept_key == key else None
