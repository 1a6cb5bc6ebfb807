"""Shared fixtures: the real site built into a temp dir, a local server, a browser.

Later test modules reuse these: ``intranet_site`` / ``offline_site`` (built
with ``--strict``), ``local_server`` (the intranet build on 127.0.0.1),
``browser`` (Debian's Chromium through Playwright), ``open_page`` (a page
that blocks and records every request to anything but file:// or 127.0.0.1),
``open_bfcache_page`` (the same in a Chromium with its back/forward cache) and
``delivery`` / ``collector`` (both builds delivering to a real collector).
"""

from __future__ import annotations

import functools
import http.client
import http.server
import json
import os
import queue
import re
import shutil
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
INTRANET_HOST = "intranet.test"


def build(config_file: Path, site_dir: Path, *, strict: bool = True,
          env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``mkdocs build`` as a user would (``env`` added to the environment)."""
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config_file), "-d", str(site_dir)]
    if strict:
        command.append("--strict")
    return subprocess.run(command, capture_output=True, text=True, cwd=config_file.parent,
                          env={**_quiet_env(), **(env or {})})


def _quiet_env() -> dict:
    # Material 9.x prints an end-of-life banner on every build; tests read the log
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _build_or_fail(config_name: str, site_dir: Path, env: dict | None = None) -> Path:
    result = build(PROJECT / config_name, site_dir, env=env)
    assert result.returncode == 0, f"mkdocs build --strict -f {config_name} failed:\n{result.stderr}"
    return site_dir


# A small site for tests that need their own content: a home page, one section
# and the glossary. Files and config keys given to make_site are laid over it.
FIXTURE_CONFIG = {
    "site_name": "测试站点",
    "docs_dir": "content",
    "exclude_docs": "*.yml\n",
    "theme": {"name": "material", "language": "zh", "font": False},
    "extra": {"hospital": {"name": "测试医院", "contact": ["廉政办：行政楼 101"]}},
    "plugins": {
        "material/search": {},
        "qinglian/portal": {"sections": {"lessons": "九项准则", "glossary": "术语表"}},
        "qinglian/glossary": {},
        "qinglian/offline": {},
        "qinglian/quiz": {},
    },
}
FIXTURE_FILES = {
    "content/index.md": "# 首页\n\n欢迎。\n",
    "content/lessons/index.md": "# 九项准则\n\n课程目录。\n",
    "content/lessons/standard-1.md": "# 第一条\n\n不得统方。\n",
    "content/glossary/index.md": "# 术语表\n",
    "content/glossary/terms.yml": "terms:\n  - term: 统方\n    definition: 统计医师用药量以谋利。\n",
}


@dataclass
class FixtureSite:
    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / "mkdocs.yml"

    def build(self, *, strict: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
        return build(self.config_file, self.root / "site", strict=strict, env=env)

    def failed_build_log(self) -> str:
        """Build with --strict, insist that it fails, and return its log."""
        result = self.build()
        assert result.returncode == 1, f"expected the strict build to fail:\n{result.stderr}"
        return result.stderr

    def read(self, path: str) -> str:
        return (self.root / "site" / path).read_text(encoding="utf-8")


def _merge(base: dict, extra: dict) -> dict:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@contextmanager
def disk_full_past(size: int):
    """Fail every write that takes a file past ``size`` bytes ("File too large", as a
    full disk fails it part-way): RLIMIT_FSIZE, whose signal Python ignores."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


@pytest.fixture
def make_site(tmp_path):
    """Return a function that writes a small site (config and files laid over the
    defaults; a value of None deletes a file) and returns it, unbuilt."""

    def make_site(files: dict | None = None, config: dict | None = None) -> FixtureSite:
        for name, text in {**FIXTURE_FILES, **(files or {})}.items():
            if text is not None:
                path = tmp_path / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        merged = _merge(FIXTURE_CONFIG, config or {})
        (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(merged, allow_unicode=True),
                                             encoding="utf-8")
        return FixtureSite(tmp_path)

    return make_site


def static_server(directory: Path) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``directory`` bound to 127.0.0.1 on an ephemeral port, not yet
    serving: its port is known before the site is built."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)


@pytest.fixture(scope="session")
def _intranet_server(tmp_path_factory):
    """An HTTP server bound to 127.0.0.1 on an ephemeral port, not yet serving."""
    site_dir = tmp_path_factory.mktemp("intranet") / "site"
    server = static_server(site_dir)
    yield server, site_dir
    server.server_close()


@pytest.fixture(scope="session")
def intranet_site(_intranet_server) -> Path:
    """The repository's site, built from mkdocs.yml with --strict.

    Its site_url carries the test server's port: Material's instant navigation
    follows only links the sitemap lists, and it matches them port included.
    """
    server, site_dir = _intranet_server
    port = server.server_address[1]
    return _build_or_fail("mkdocs.yml", site_dir, {"QINGLIAN_SITE_URL": f"http://127.0.0.1:{port}/"})


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The repository's site, built from mkdocs.offline.yml (file://) with --strict."""
    return _build_or_fail("mkdocs.offline.yml", tmp_path_factory.mktemp("offline") / "site")


def site_pages(site_dir: Path, *, posters: bool = False) -> list[Path]:
    """Every Material page of a built site, except 404.html (its asset paths need a
    server); with ``posters``, the standalone QR poster sheets too."""
    return sorted(p for p in site_dir.rglob("*.html") if p.name != "404.html"
                  and (posters or not p.name.endswith(".posters.html")))


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """Return the page sizes (pt) of a PDF that Chromium printed."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


# How Chromium starts each printed page's content: its scale and height (flipped, in
# pt), then a clip to the area inside the page margins (x y width height, scaled)
_PDF_PAGE_START = re.compile(rb"([\d.]+) 0 0 -[\d.]+ 0 [\d.]+ cm\nq\n([\d.]+) ([\d.]+) [\d.]+ [\d.]+ re\nW\* n")


def pdf_margins(pdf: bytes) -> list[tuple[int, int]]:
    """Return the top and left page margins (mm) of each page of a PDF that Chromium
    printed, read from where its content starts."""
    margins = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # not compressed: no page content of Chromium's
        if start := _PDF_PAGE_START.match(content):
            scale, x, y = (float(value) for value in start.groups())
            margins.append((round(y * scale / 72 * 25.4), round(x * scale / 72 * 25.4)))
    return margins


def block_data(page_html: str, kind: str) -> dict:
    """Return the data of the first <form class="qinglian-KIND"> of a built page, read
    by an HTML parser as a browser reads it (whatever the attribute's quoting)."""
    found = []

    class Forms(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if tag == "form" and attributes.get("class") == f"qinglian-{kind}" and not found:
                found.append(attributes[f"data-{kind}"])

    Forms().feed(page_html)
    assert found, f"no qinglian-{kind} form on the page"
    return json.loads(found[0])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def local_server(_intranet_server, intranet_site):
    """Serve the intranet build on 127.0.0.1; yields the base URL."""
    server, _ = _intranet_server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def _playwright():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


def _launch(playwright, **options):
    """Debian's Chromium driven by Playwright (which cannot download browsers here)."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("chromium is not installed: run the README's test command, "
                    "which installs Debian's chromium package")
    return playwright.chromium.launch(
        executable_path=executable,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            # A name for 127.0.0.1 that is not a secure context, like a plain-http intranet host
            f"--host-resolver-rules=MAP {INTRANET_HOST} 127.0.0.1",
        ],
        **options,
    )


@pytest.fixture(scope="session")
def browser(_playwright):
    """Debian's Chromium as Playwright starts it: without the back/forward cache."""
    browser = _launch(_playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def bfcache_browser(_playwright):
    """Chromium with its back/forward cache, which Playwright turns off by default: Back
    shows a page as it was left, its scripts frozen meanwhile, as people's browsers do."""
    browser = _launch(_playwright, ignore_default_args=["--disable-back-forward-cache"])
    yield browser
    browser.close()


@dataclass
class RecordedPage:
    """A Playwright page with the outside requests it tried and the errors it logged."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


LOCAL_PREFIXES = ("file://", "data:", "blob:", "http://127.0.0.1:", "about:", f"http://{INTRANET_HOST}:")
# Every other address, matched by Playwright itself: requests to the page's own
# file:// and 127.0.0.1 never wait for this process, which may be busy waiting
# for a server the page talks to
_OUTSIDE = re.compile("^(?!" + "|".join(map(re.escape, LOCAL_PREFIXES)) + ")")


# A staff member's phone: Android Chrome's CSS pixels, touch, a high-density screen
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def _page_opener(browser):
    """Yield a function that opens a new page of ``browser`` recording blocked requests
    and errors; its keywords go to the browser context. Closes the contexts after."""
    contexts = []

    def open_page(**context_options) -> RecordedPage:
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        recorded = RecordedPage(page)

        def block(route):
            recorded.blocked.append(route.request.url)
            route.abort()

        context.route(_OUTSIDE, block)
        page.on("console", lambda m: m.type == "error" and recorded.errors.append(m.text))
        page.on("pageerror", lambda e: recorded.errors.append(str(e)))
        return recorded

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def open_page(browser):
    """Return a function that opens a new page recording blocked requests and errors;
    its keywords go to the browser context (``**PHONE`` for a phone)."""
    yield from _page_opener(browser)


@pytest.fixture
def open_bfcache_page(bfcache_browser):
    """``open_page`` in a browser with its back/forward cache (``bfcache_browser``)."""
    yield from _page_opener(bfcache_browser)


def open_for_instant_navigation(page, url: str) -> None:
    """Open ``url`` once Material can navigate instantly, and mark the document, so that
    ``same_document`` tells whether a later click loaded a page afresh."""
    # Material intercepts links only once it has read the sitemap: wait for that request
    with page.expect_response(lambda response: response.url.endswith("/sitemap.xml")):
        page.goto(url)
    page.evaluate("window.qinglianTestMarker = 1")  # a full page load would lose it


def same_document(page) -> bool:
    """Say whether the page is still the document open_for_instant_navigation marked."""
    return page.evaluate("window.qinglianTestMarker === 1")


# Each part of a table, with the role its HTML states: "thead th columnheader"
STATED_ROLES = """(table) => [table, ...table.querySelectorAll('caption, thead, tbody, tfoot, tr, th, td')]
  .map(element => [element.parentElement.closest('thead, tbody, tfoot')?.localName,
                   element.localName, element.getAttribute('role')].filter(Boolean).join(' '))"""


def accessible_table(page, selector: str) -> tuple[str, str, list[list[tuple[str, str]]]]:
    """Return the table at ``selector`` as Chromium's accessibility tree holds it, which
    is what a screen reader reads: its role, its name, and its rows, each a list of its
    cells' (role, name). Playwright's own role queries would not do: they read the
    DOM, not what the browser made of the page's CSS."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        element = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        table = cdp.send("Accessibility.getPartialAXTree",
                         {"nodeId": element, "fetchRelatives": False})["nodes"][0]
        nodes = {node["nodeId"]: node for node in cdp.send("Accessibility.getFullAXTree")["nodes"]}
    finally:
        cdp.detach()

    def role(node) -> str:
        return node["role"]["value"]

    def name(node) -> str:
        return node.get("name", {}).get("value", "")

    def shown(node) -> list[dict]:
        """The node's children a screen reader meets, looking through ignored ones."""
        found = []
        for child in (nodes[i] for i in node.get("childIds", ()) if i in nodes):
            found += shown(child) if child.get("ignored") else [child]
        return found

    def rows(node) -> list[dict]:
        return [node] if role(node) == "row" else [row for child in shown(node)
                                                   for row in rows(child)]

    return role(table), name(table), [[(role(cell), name(cell)) for cell in shown(row)]
                                      for row in rows(nodes[table["nodeId"]])]


# -----------------------------------------------------------------------------
# The record collector as a real process


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Collector:
    process: subprocess.Popen
    port: int
    lines: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1/records"

    def output(self) -> str:
        return "".join(self.lines)

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)


@contextmanager
def run_collector(db: str | Path, *options: str, token: str | None = None, port: int | None = None):
    """Run ``qinglian collector`` on ``db`` until the block ends.

    Waits, with a deadline, for uvicorn to say it listens (it binds the port only
    after "Application startup complete"), reading the process's output as it
    comes (no polling).
    """
    env = {key: value for key, value in os.environ.items() if key != "QINGLIAN_ADMIN_TOKEN"}
    if token:
        env["QINGLIAN_ADMIN_TOKEN"] = token
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "qinglian.cli", "collector", "--db", str(db), "--port", str(port),
         *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    collector = Collector(process, port, [])
    started = queue.Queue()

    def read_output():
        for line in process.stdout:
            collector.lines.append(line)
            if "Uvicorn running on" in line:
                started.put(True)
        started.put(False)  # the process ended

    threading.Thread(target=read_output, daemon=True).start()
    try:
        try:
            ready = started.get(timeout=30)
        except queue.Empty:
            ready = False
        if not ready:
            pytest.fail(f"the collector did not start:\n{collector.output()}")
        yield collector
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -----------------------------------------------------------------------------
# The repository's site delivering to a real collector (browser delivery and fault tests)

TOKEN = "delivery-test-token"


@pytest.fixture(scope="session")
def delivery(tmp_path_factory):
    """Both builds of the repository's site, set to deliver to a collector on a known
    port, and the intranet build served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("delivery")
    collector_port = free_port()
    server = static_server(root / "intranet")
    site_port = server.server_address[1]
    env = {"QINGLIAN_COLLECTOR_URL": f"http://127.0.0.1:{collector_port}/api/v1/records",
           "QINGLIAN_SITE_URL": f"http://127.0.0.1:{site_port}/"}
    for config, folder in [("mkdocs.yml", "intranet"), ("mkdocs.offline.yml", "offline")]:
        result = build(PROJECT / config, root / folder, env=env)
        assert result.returncode == 0, result.stderr
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"root": root, "collector_port": collector_port, "site": f"http://127.0.0.1:{site_port}/",
           "intranet_host": f"http://{INTRANET_HOST}:{site_port}/"}
    server.shutdown()
    server.server_close()


@pytest.fixture
def collector(delivery, tmp_path):
    """A function starting the real collector for these sites, on a fresh database."""
    def start():
        return run_collector(
            tmp_path / "records.db", "--manifest", str(delivery["root"] / "intranet" / "qinglian-manifest.json"),
            "--origin", delivery["site"].rstrip("/"), "--origin", delivery["intranet_host"].rstrip("/"),
            "--allow-file-origin", token=TOKEN, port=delivery["collector_port"])
    return start


def stored(server) -> list[dict]:
    """Every record the collector holds, read through its token-protected listing."""
    connection = server.connect()
    connection.request("GET", "/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"})
    response = connection.getresponse()
    if response.status == 429:
        # The test's browser, on the same address, may just have sent the burst of records
        # the collector takes at once: read after the wait it asks for, as an admin would
        response.read()
        threading.Event().wait(int(response.getheader("Retry-After")))
        connection.request("GET", "/api/v1/records", headers={"Authorization": f"Bearer {TOKEN}"})
        response = connection.getresponse()
    assert response.status == 200
    return [item["record"] for item in json.loads(response.read())["records"]]


# -----------------------------------------------------------------------------
# PostgreSQL for the collector: a server of the tests' own


@dataclass
class PostgresServer:
    port: int

    def url(self, database: str) -> str:
        # Trust authentication on 127.0.0.1 only: a throwaway cluster
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, statement: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(statement)


def _postgres_bin() -> Path | None:
    """The newest of Debian's PostgreSQL versions (/usr/lib/postgresql/N/bin), if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda initdb: int(initdb.parts[-3]) if initdb.parts[-3].isdigit() else 0)
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server on 127.0.0.1 and a free port, stopped when the session ends.

    initdb refuses to run as root: as root the cluster belongs to the
    ``postgres`` user and its commands run through runuser.
    """
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb "
                    "(scripts/setup.sh --browser installs Debian's postgresql)")
    # Not under pytest's tmp folder: that is private to us, and the server user must reach this
    root = Path(tempfile.mkdtemp(prefix="qinglian-postgres-"))
    as_server = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_server = ["runuser", "-u", "postgres", "--"]
    data, log, port = root / "data", root / "server.log", free_port()

    def run(*command) -> None:
        result = subprocess.run([*as_server, *map(str, command)], capture_output=True, text=True)
        if result.returncode != 0:
            server_log = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
            pytest.fail(f"{Path(command[0]).name} failed:\n{result.stdout}{result.stderr}"
                        f"{server_log}")

    try:
        # --no-sync: a cluster that lives for one test session need not survive a power cut
        run(bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync")
        run(bin_dir / "pg_ctl", "-D", data, "-l", log, "-w", "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root}", "start")
        yield PostgresServer(port)
        run(bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL of a new, empty database on the test server, dropped after the test."""
    name = f"test_{uuid.uuid4().hex}"
    postgres_server.admin(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    postgres_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_db(request, tmp_path) -> str:
    """The collector's --db on each backend: an SQLite file's path, or a PostgreSQL URL."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return str(tmp_path / "records.db")
