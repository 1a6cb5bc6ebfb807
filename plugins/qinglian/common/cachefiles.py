"""Files in a build cache (.cache/qinglian/…): written whole or not at all.

A cache only saves time. A file is written under a temporary name and renamed
into place, so a build killed half-way never leaves a file cut short for the
next one; a cache folder that cannot be written costs only that time.
"""

from __future__ import annotations

import os
from pathlib import Path


def keep(path: Path, data: bytes) -> None:
    """Store ``data`` at ``path`` for the next build, if the cache can be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        pass
