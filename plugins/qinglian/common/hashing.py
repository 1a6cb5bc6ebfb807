"""Content hashes, for cache keys and for names of emitted assets."""

import hashlib


def sha256_hex(data: bytes | str) -> str:
    """Return the SHA-256 of ``data`` (UTF-8 for text) as lowercase hex."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def short_hash(data: bytes | str, length: int = 8) -> str:
    """Return the first ``length`` hex digits of the SHA-256, as used in asset names."""
    return sha256_hex(data)[:length]
