"""Files written whole or not at all: a full disk or Ctrl+C part-way leaves the file
as it was, never cut short (a pledge lock cut short loses published versions; a
report or an export cut short looks finished)."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


def write_whole(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step, its folder made if missing."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        # Written in part: not left to take room, nor to be taken for the file
        with suppress(OSError):
            partial.unlink(missing_ok=True)
