"""The posters' QR codes: made once per address and kept in a cache folder.

segno spends about 10 ms on a code, most of it choosing the best of eight
masks: 10 s of a 1,000-lesson build (scripts/bench.py, cProfile). Codes not in
the cache are made by worker processes on the other cores while MkDocs renders
the pages, and kept for the next build. The cache is safe to delete.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import segno

# Fewer missing codes than this are made in the build's own process: starting
# workers costs more than it saves
POOL_FROM = 20


def qr_svg(url: str) -> str:
    """Return the QR code of ``url`` as inline SVG that scales with its box."""
    return segno.make(url, error="m").svg_inline(scale=1, border=4, omitsize=True,
                                                  svgclass="ql-poster-qr")


class QrCodes:
    """QR code SVGs by address, from ``cache_dir`` or made afresh."""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self.jobs: dict[str, Future] = {}
        self.pool: ProcessPoolExecutor | None = None

    def start(self, urls: list[str]) -> None:
        """Start making the codes of ``urls`` that the cache does not hold."""
        missing = [url for url in dict.fromkeys(urls) if self._cached(url) is None]
        if len(missing) < POOL_FROM:
            return
        # spawn, not fork: the build may run threads (mkdocs serve, the gallery)
        self.pool = ProcessPoolExecutor(max(1, (os.cpu_count() or 1) - 1),
                                        mp_context=multiprocessing.get_context("spawn"))
        self.jobs = {url: self.pool.submit(qr_svg, url) for url in missing}

    def svg(self, url: str) -> str:
        """Return the code of ``url``: made by a worker, read from the cache, or made now."""
        job = self.jobs.pop(url, None)
        if job:
            svg = job.result()
        elif (svg := self._cached(url)) is not None:
            return svg
        else:
            svg = qr_svg(url)
        self._keep(url, svg)
        return svg

    def close(self) -> None:
        """Stop the workers (after a build, or when it failed half-way)."""
        if self.pool:
            self.pool.shutdown(cancel_futures=True)
        self.pool, self.jobs = None, {}

    def _file(self, url: str) -> Path:
        # A new segno may draw codes differently: its version is part of the key
        key = hashlib.sha256(f"{segno.__version__}\n{url}".encode()).hexdigest()[:32]
        return self.cache_dir / f"{key}.svg"

    def _cached(self, url: str) -> str | None:
        try:
            svg = self._file(url).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        # A file cut short (a full disk, a killed build) is made again
        return svg if svg.startswith("<svg") and svg.endswith("</svg>") else None

    def _keep(self, url: str, svg: str) -> None:
        path = self._file(url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_text(svg, encoding="utf-8")
            partial.replace(path)
        except OSError:
            pass  # an unwritable cache only costs the next build the time
