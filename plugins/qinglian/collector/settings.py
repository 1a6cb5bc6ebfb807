"""What the collector is started with: from the command line, or built directly by tests."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SetupError
from .manifest import Manifests

TOKEN_VARIABLE = "QINGLIAN_ADMIN_TOKEN"
_ORIGIN = re.compile(r"^https?://[^/?#\s]+$")


@dataclass(frozen=True)
class Settings:
    db: str | Path  # an SQLite file, or a postgresql:// URL
    manifests: Manifests = field(default_factory=Manifests)
    origins: tuple[str, ...] = ()
    allow_file_origin: bool = False
    admin_token: str | None = None  # None: every read is refused
    body_timeout: float = 10.0  # seconds a client may take to send a record
    # Seconds a record waits for another program's write lock, then 503: less than the 15 s
    # after which the browser stops waiting, so it hears "try again later"
    lock_timeout: float = 10.0
    # Proxies (addresses or networks) whose X-Forwarded-For and identity header count
    trusted_proxies: tuple[str, ...] = ()
    identity_header: str | None = None  # e.g. X-Remote-User, set by the SSO proxy
    rate_limit: int = 120  # records per minute per client address; 0: no limit
    rate_burst: int = 60  # a ward PC's outbox delivered at once


def trusted(address: str, proxies: tuple[str, ...]) -> bool:
    """Return whether ``address`` is one of ``proxies`` (addresses, networks, or names)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in proxies
    for proxy in proxies:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def checked_proxy(value: str) -> str:
    """Return ``value`` if it is an address or network, or raise SetupError."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise SetupError(f"--trusted-proxy '{value}' is not an IP address or network; give "
                         "e.g. 10.0.0.5 or 10.0.0.0/24 (the nginx machine)") from None
    return value


def admin_token(token_file: Path | None, environ: Mapping[str, str]) -> str | None:
    """Return the admin token from ``token_file`` (if given) or the environment, stripped."""
    if token_file is None:
        return environ.get(TOKEN_VARIABLE, "").strip() or None
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except (OSError, ValueError) as error:
        raise SetupError(f"cannot read the token file '{token_file}': {error}; "
                         "give a UTF-8 text file holding the admin token") from None
    if not token:
        raise SetupError(f"the token file '{token_file}' is empty; write a long random token "
                         "into it: python3 -c 'import secrets; print(secrets.token_urlsafe())'")
    return token


def checked_origin(value: str) -> str:
    """Return ``value`` as a browser sends it in Origin (no trailing slash), or raise SetupError."""
    origin = value.rstrip("/")
    if origin == "null":
        raise SetupError("--origin null: use --allow-file-origin to accept pages opened from files")
    if not _ORIGIN.fullmatch(origin):
        raise SetupError(f"--origin '{value}' is not an origin; give scheme, host and port only, "
                         "as in http://intranet.example:8000")
    return origin
