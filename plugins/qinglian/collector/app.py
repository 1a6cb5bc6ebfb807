"""The collector's HTTP layer: Starlette routes over the core, and nothing else.

CORS. Browsers may send records only from the ``--origin``s the admin lists
(where the site is served). Records are JSON, so every cross-origin POST is
preceded by a preflight the browser refuses unless the origin is allowed; any
other content type gets 415, so no "simple" cross-origin request slips past.
Pages opened from disk (file://) send ``Origin: null``. ``--allow-file-origin``
allows that origin, and with it any local HTML file on any machine that can
reach the collector: a downloaded or emailed page can POST records too. That
is the price of the offline build reporting to the collector; the manifests
still limit what such a page can claim (site, pledge text, department).
CORS is not access control: reads still need the admin token, and a
non-browser client can POST whatever the manifests allow.
"""

from __future__ import annotations

import functools
import hmac
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import asynccontextmanager
from itertools import islice

import anyio
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.endpoints import HTTPEndpoint
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ..common.records import record_schema
from ..common.verification import normalised
from .corrections import apply
from .errors import StoreUnavailable
from .export import csv_text
from .intake import Outcome, faults, receipt_for
from .manifest import Manifests
from .ratelimit import RateLimit, TokenBuckets
from .settings import Settings, trusted
from .store import Evidence, open_store
from .verify import find, verify_html
from .xapi import statement

MAX_BODY = 64 * 1024
CHECK_ON_LOOP = 2 * 1024  # bytes: a hostile body this size takes up to some 20 ms to check
RETRY_AFTER = 30  # seconds, when the database cannot take a record now
STREAM_BATCH = 500  # records rendered per chunk of a streamed read
KINDS = tuple(record_schema()["properties"]["kind"]["enum"])

# Personal data: never cached, never sniffed as something else
_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
_STATUS = {Outcome.STORED: 201, Outcome.REPEAT: 200}


def create_app(settings: Settings) -> Starlette:
    """Return the collector app, its store open on ``settings.db``."""
    store = open_store(settings.db, settings.lock_timeout)

    @asynccontextmanager
    async def lifespan(app):
        yield
        store.close()

    origins = list(settings.origins) + (["null"] if settings.allow_file_origin else [])
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/api/v1/records", _Records),
            Route("/api/v1/export.csv", export_csv),
            Route("/api/v1/export.xapi", export_xapi),
            Route("/verify/{code}", verify_page),
        ],
        # Outermost first: the identity header and X-Forwarded-For count only from
        # trusted proxies; rate limits see the real client address
        middleware=[
            Middleware(_Identity, header=settings.identity_header,
                       proxies=settings.trusted_proxies),
            Middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies)),
            Middleware(CORSMiddleware, allow_origins=origins,
                       allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Content-Type", "Authorization"]),
        ] + ([Middleware(RateLimit, buckets=TokenBuckets(settings.rate_limit, settings.rate_burst),
                         # Every API path: a wrong admin token costs there too
                         paths=("/api/v1/", "/verify/"), refuse=_too_many)]
             if settings.rate_limit else []),
        exception_handlers={HTTPException: _http_error, StoreUnavailable: _unavailable,
                            500: _server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    return app


class SafeJSONResponse(JSONResponse):
    """JSON with <, > and & escaped, so no browser can read a signer's name as markup."""

    def render(self, content) -> bytes:
        return safe_json(content).encode("utf-8")


def safe_json(content) -> str:
    """Return ``content`` as SafeJSONResponse writes it."""
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)


_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def streamed_json(head: str, items: Iterable, tail: str) -> StreamingResponse:
    """Return ``head``, ``items`` as the elements of a JSON array, then ``tail``, as
    SafeJSONResponse would write it whole, but rendered STREAM_BATCH items at a time: a
    large hospital's year of records (150,000) took the collector 2 GB as one document.

    The first batch is read before the answer starts, so a database that cannot be read
    answers 503 (StoreUnavailable), not 200 and a short document."""
    remaining = iter(items)
    batch = list(islice(remaining, STREAM_BATCH))

    def chunks(batch: list) -> Iterator[bytes]:
        yield head.encode("utf-8")
        separator = ""
        while batch:
            yield (separator + ",".join(map(safe_json, batch))).encode("utf-8")
            separator = ","
            batch = list(islice(remaining, STREAM_BATCH))
        yield tail.encode("utf-8")

    return _CutOffOnFailure(chunks(batch), media_type="application/json", headers=_HEADERS)


class _CutOffOnFailure(StreamingResponse):
    """A streamed read whose database fails half-way ends without its last chunk: the
    status (200) is sent by then, and a document merely ended early would look whole.
    The client sees the transfer cut off (curl exits 18, Python's http.client raises
    IncompleteRead) and the log says why."""

    async def stream_response(self, send) -> None:
        try:
            await super().stream_response(send)
        except StoreUnavailable as error:
            # Returning without the last chunk makes the server close the connection
            log.warning("%s (the download was cut off half-way: the admin's client sees it "
                        "incomplete; download it again)", error)


def error_response(status: int, error: str, problems: list[str] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    """Return the one shape of every error: {"error": one sentence, "problems": [...]}."""
    return SafeJSONResponse({"error": error, "problems": problems or []}, status_code=status,
                            headers={**_HEADERS, **(headers or {})})


# Endpoints ------------------------------------------------------------------------------

def healthz(request: Request) -> Response:
    return SafeJSONResponse({"status": "ok"}, headers=_HEADERS)


async def post_record(request: Request) -> Response:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        return error_response(415, "Send the record as JSON.",
                              [f"Content-Type: '{media_type}' is not application/json"])
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        return _too_large()
    try:
        body = await _read_body(request)
    except TimeoutError:
        return error_response(408, "The record took too long to arrive; send it again.",
                              headers={"Connection": "close"})
    except _TooLarge:
        return _too_large()
    try:
        record = json.loads(body)
    except (ValueError, RecursionError) as error:
        return error_response(400, "The body is not JSON.", [f"body: {error}"])

    state = request.app.state
    state.settings.manifests.refresh()  # the site may have been published anew
    evidence = Evidence.now(request.client.host if request.client else None,
                            request.headers.get("user-agent"), request.scope.get("qinglian.identity"))
    # Checked on the event loop: a worker thread per record cost as much CPU as the check
    # itself (thread switches, and the loop waiting for the GIL behind checking threads).
    # A larger body, whose check can take long (a hostile one: seconds), is checked in a
    # worker thread so the loop keeps serving.
    if len(body) <= CHECK_ON_LOOP:
        found = _problems(record, state.settings.manifests, evidence)
    else:
        found = await run_in_threadpool(_problems, record, state.settings.manifests, evidence)
    if found:
        return error_response(400, "The record is not valid.", found)
    # The event loop goes on while the record is committed
    receipt = receipt_for(record, await state.store.add_async(record, evidence))
    if receipt.outcome is Outcome.CONFLICT:
        return error_response(409, "A different record with this id is already stored.",
                              receipt.problems)
    return SafeJSONResponse({"id": record["id"], "status": receipt.outcome.value},
                            status_code=_STATUS[receipt.outcome], headers=_HEADERS)


def _admin_read(endpoint):
    """Make ``endpoint`` a read: admin token required (personal data), ?site= and ?kind= applied."""

    @functools.wraps(endpoint)
    def guarded(request: Request) -> Response:
        return _unauthorized(request) or _filtered(endpoint, request)

    return guarded


@_admin_read
def list_records(request: Request, site: str | None, kind: str | None) -> Response:
    return streamed_json('{"records":[', (
        {"record": stored.record, "received": stored.received, "client_ip": stored.client_ip,
         "user_agent": stored.user_agent, "identity": stored.identity}
        for stored in _corrected(request, site, kind)
    ), "]}")


@_admin_read
def export_csv(request: Request, site: str | None, kind: str | None) -> Response:
    text = csv_text(_corrected(request, site, kind))
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        **_HEADERS, "Content-Disposition": 'attachment; filename="qinglian-records.csv"'})


@_admin_read
def export_xapi(request: Request, site: str | None, kind: str | None) -> Response:
    return streamed_json("[", map(statement, _corrected(request, site, kind)), "]")


def verify_page(request: Request) -> Response:
    """Say what a certificate's code certifies: an HTML page anyone may open (it shows a
    masked name, the route and the date, nothing more)."""
    raw = request.path_params["code"]
    code = normalised(raw)
    manifests = request.app.state.settings.manifests
    manifests.refresh()  # a new route's certificates
    if code is None:
        return HTMLResponse(verify_html("malformed", raw, language=manifests.language),
                            status_code=400, headers=_HEADERS)
    try:
        completion = find(code, _corrected(request, None, None), manifests)
    except StoreUnavailable as error:
        # The person holding a certificate gets a page in their language, not the
        # error shape admin clients read
        log.warning("%s (answered the verification page 503: nothing was read)", error)
        return HTMLResponse(verify_html("unavailable", raw, language=manifests.language),
                            status_code=503,
                            headers={**_HEADERS, "Retry-After": str(RETRY_AFTER)})
    language = manifests.sites[completion.site].language if completion else manifests.language
    return HTMLResponse(verify_html("valid" if completion else "unknown", raw,
                                    completion, language),
                        status_code=200 if completion else 404, headers=_HEADERS)


class _Records(HTTPEndpoint):
    """POST stores, GET lists: one address, so a 405 names both methods."""

    get = staticmethod(list_records)
    post = staticmethod(post_record)


# Helpers --------------------------------------------------------------------------------

def _problems(record: object, manifests: Manifests, evidence: Evidence) -> list[str]:
    """Return what keeps ``record`` out (intake's rules), logging what only the manifests
    refuse: the sender cannot fix that and never sends it again, while the admin can (a
    manifest not copied since the site was published, a site left out)."""
    found = faults(record)
    if found:
        return found
    found = manifests.problems(record)
    if found:
        log.warning("refused record %s of site '%s' from %s: %s; if the site was published "
                    "anew, copy its new qinglian-manifest.json over the --manifest file (read "
                    "again when it changes; a site not yet served needs a --manifest of its "
                    "own and a restart)", record["id"], record["site"],
                    evidence.client_ip, "; ".join(found))
    return found


def _corrected(request: Request, site: str | None, kind: str | None):
    """Return the stored records as corrections and redactions say they read."""
    store = request.app.state.store
    return apply(store.stream(site, kind), store.corrections())


class _Identity:
    """Keep the single-sign-on identity header only when a trusted proxy sent it;
    from anyone else it is a claim anybody could make, and is dropped."""

    def __init__(self, app, header: str | None, proxies: tuple[str, ...]):
        self.app, self.header, self.proxies = app, (header or "").lower().encode(), proxies

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.header:
            peer = scope["client"][0] if scope.get("client") else None
            values = [value for name, value in scope["headers"] if name == self.header]
            if values and peer and trusted(peer, self.proxies):
                scope["qinglian.identity"] = values[0].decode("utf-8", "replace")[:200]
        await self.app(scope, receive, send)


def _too_many(wait: int, scope) -> Response:
    headers = {"Retry-After": str(wait)}
    if scope["path"].startswith("/verify/"):
        # Someone checking a certificate reads a page in the site's language, not
        # the error shape senders and admin clients read
        language = scope["app"].state.settings.manifests.language
        return HTMLResponse(verify_html("busy", scope["path"][len("/verify/"):], language=language),
                            status_code=429, headers={**_HEADERS, **headers})
    return error_response(429, "Too many requests from this address; try again later.",
                          headers=headers)


class _TooLarge(Exception):
    pass


async def _read_body(request: Request) -> bytes:
    # At most MAX_BODY + 1 bytes, within the timeout: a slow client cannot hold a worker
    body = bytearray()
    with anyio.fail_after(request.app.state.settings.body_timeout):
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise _TooLarge
    return bytes(body)


def _too_large() -> Response:
    return error_response(413, f"The record is larger than {MAX_BODY // 1024} KB.",
                          headers={"Connection": "close"})


def _unauthorized(request: Request) -> Response | None:
    token = request.app.state.settings.admin_token
    challenge = {"WWW-Authenticate": "Bearer"}
    if token is None:
        return error_response(401, "Reads are disabled: the collector was started without an "
                              "admin token (set QINGLIAN_ADMIN_TOKEN or --token-file).",
                              headers=challenge)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    matches = hmac.compare_digest(given.strip().encode(), token.encode())
    if scheme.lower() != "bearer" or not matches:
        return error_response(401, "Give the admin token as 'Authorization: Bearer <token>'.",
                              headers=challenge)
    return None


def _filtered(endpoint, request: Request) -> Response:
    site = request.query_params.get("site")
    kind = request.query_params.get("kind")
    if kind is not None and kind not in KINDS:
        return error_response(400, "Unknown kind of record.",
                              [f"kind: '{kind}' is not one of {', '.join(KINDS)}"])
    return endpoint(request, site, kind)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    return error_response(exc.status_code, f"{exc.detail}: {request.method} {request.url.path}.",
                          headers=exc.headers)


async def _unavailable(request: Request, exc: StoreUnavailable) -> Response:
    retry = {"Retry-After": str(RETRY_AFTER)}
    if request.method != "POST":  # a read: nothing of it was sent
        log.warning("%s (answered 503: nothing was sent; read again later)", exc)
        return error_response(503, "The collector cannot read its database just now; "
                              "try again later (the collector's log says why).", headers=retry)
    # Not acknowledged, so the browser keeps the record and sends it again later
    log.warning("%s (answered 503: the sender keeps the record and tries again)", exc)
    return error_response(503, "The collector cannot store records just now; "
                          "try again later.", headers=retry)


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "The collector failed; its log says why.")


log = logging.getLogger("qinglian.collector")
