"""Rate limits on the public endpoints: a token bucket per client address.

A ward PC that was offline sends its whole outbox at once, so the bucket is
deep (``burst``) and refills steadily (``per_minute``). A request the
collector refuses (any 4xx) costs ``penalty`` more tokens, so a client
flooding invalid requests is slowed down long before valid senders notice:
each address has its own bucket. Past the limit the answer is 429 with
Retry-After, which the browser's outbox treats as "try again later".
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One bucket per key (a client address), refilled continuously."""

    def __init__(self, per_minute: int, burst: int, penalty: float = 4.0,
                 clock=time.monotonic, max_keys: int = 10_000):
        self.rate = per_minute / 60
        self.burst = burst
        self.penalty = penalty
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """Take one token for ``key``; return 0 when allowed, else seconds to wait."""
        bucket = self._refilled(key)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def punish(self, key: str) -> None:
        """Charge ``key`` for a refused request."""
        bucket = self._refilled(key)
        bucket.tokens = max(bucket.tokens - self.penalty, -self.burst)

    def _refilled(self, key: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        return bucket

    def _forget_full(self, now: float) -> None:
        # A bucket that has refilled is the same as no bucket: drop those first
        full = [key for key, bucket in self._buckets.items()
                if bucket.tokens + (now - bucket.updated) * self.rate >= self.burst]
        for key in full or list(self._buckets)[: self.max_keys // 10]:
            del self._buckets[key]


class RateLimit:
    """ASGI middleware limiting requests to ``paths`` by client address."""

    def __init__(self, app, buckets: TokenBuckets, paths: tuple[str, ...], refuse):
        self.app, self.buckets, self.paths, self.refuse = app, buckets, paths, refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(self.paths) \
                or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        key = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.buckets.take(key)
        if wait:
            return await self.refuse(math.ceil(wait), scope)(scope, receive, send)

        async def watched(message):
            if message["type"] == "http.response.start" and 400 <= message["status"] < 500:
                self.buckets.punish(key)
            await send(message)

        await self.app(scope, receive, watched)
