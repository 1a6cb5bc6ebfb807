"""The posters' QR codes: made once per address and kept in a cache folder.

segno spends about 10 ms on a code, most of it choosing the best of eight
masks: 10 s of a 1,000-lesson build (scripts/bench.py, cProfile). Codes not in
the cache are made by worker processes on the other cores while MkDocs renders
the pages, and kept for the next build. The cache is safe to delete.

The workers are plain subprocesses running this module (``python -m
qinglian.posters.qrcodes CACHE_DIR`` with the addresses on stdin), not a
multiprocessing pool: spawned pool workers run the main script again, and a
build script without an ``if __name__ == "__main__":`` guard would build the
site once more in each of them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from ..common.cachefiles import keep

# Fewer missing codes than this are made in the build's own process: starting
# a worker costs more than it saves
WORKERS_FROM = 20
WORKER = [sys.executable, "-m", "qinglian.posters.qrcodes"]
_SEGNO = version("segno")


def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as inline SVG that scales with its box."""
    # Imported here: it takes 30 ms, which a build with every code in the cache spares
    import segno

    return segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True,
                                                  svgclass="ql-poster-qr")


class QrCodes:
    """QR code SVGs by address, from ``cache_dir`` or made afresh."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self.workers: list[subprocess.Popen] = []

    def start(self, urls: list[str]) -> None:
        """Start workers making the codes of ``urls`` that the cache does not hold."""
        # Names only: reading 1,000 codes here and again in svg() cost a tenth of a second
        try:
            kept = {entry.name for entry in os.scandir(self.cache_dir)}
        except OSError:
            kept = set()
        missing = [url for url in dict.fromkeys(urls) if self._file(url).name not in kept]
        if len(missing) < WORKERS_FROM:
            return
        count = max(1, (os.cpu_count() or 1) - 1)
        for part in (missing[start::count] for start in range(count)):
            try:
                with tempfile.TemporaryFile() as addresses:
                    addresses.write("\n".join(part).encode("utf-8"))
                    addresses.seek(0)
                    self.workers.append(subprocess.Popen(
                        [*WORKER, str(self.cache_dir)], stdin=addresses,
                        stdout=subprocess.DEVNULL))
            except OSError:  # no process to be had: svg() makes them
                return

    def svg(self, url: str) -> str:
        """Return the code of ``url``: from the cache (after the workers), or made now."""
        for worker in self.workers:
            worker.wait()
        self.workers = []
        svg = self._cached(url)
        if svg is None:  # not started, failed, or a cache folder it could not write
            svg = qr_svg(url)
            keep(self._file(url), svg.encode("utf-8"))
        return svg

    def close(self) -> None:
        """Stop the workers (when a build failed half-way)."""
        for worker in self.workers:
            worker.kill()
            worker.wait()
        self.workers = []

    def _file(self, url: str) -> Path:
        # A new segno may draw codes differently: its version is part of the key
        key = hashlib.sha256(f"{_SEGNO}\n{url}".encode()).hexdigest()[:32]
        return self.cache_dir / f"{key}.svg"

    def _cached(self, url: str) -> str | None:
        try:  # read as bytes: a text-mode file took half again as long, 1,000 per build
            svg = self._file(url).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        # A damaged file (edited, cut short by hand) is made again
        return svg if svg.startswith("<svg") and svg.endswith("</svg>") else None


def main() -> None:
    """A worker: make the code of each address on stdin into the cache folder."""
    codes = QrCodes(Path(sys.argv[1]))
    for url in sys.stdin.read().splitlines():
        if url:
            keep(codes._file(url), qr_svg(url).encode("utf-8"))


if __name__ == "__main__":
    main()
