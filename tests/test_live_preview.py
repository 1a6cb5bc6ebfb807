"""Live preview: ``mkdocs serve`` rebuilds on a bank change, shows the problem on the
page until it is fixed, and keeps running."""

from __future__ import annotations

import html
import os
import queue
import re
import subprocess
import sys
import threading
import urllib.request

from conftest import free_port

BANK = """questions:
  - id: q-001
    type: single
    stem: 第一条禁止什么？
    options: [统方, 按劳取酬]
    answer: A
    explanation: 第一条禁止统方。
    standards: [1]
    difficulty: easy
"""


class _Server:
    """``mkdocs serve`` with its log read line by line as it comes; stopped when the
    ``with`` block ends."""

    def __init__(self, root, port):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = f"http://127.0.0.1:{port}/"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        """Wait until the log says ``text`` (a line per get, each with the deadline);
        return that line."""
        seen = []
        while True:
            line = self.lines.get(timeout=timeout)
            seen.append(line)
            if text in line:
                return line

    def page(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return response.read().decode("utf-8")


def test_serve_shows_a_bank_error_on_the_page_until_it_is_fixed(make_site):
    site = make_site({"quizzes/banks/demo.yml": BANK})
    bank = site.root / "quizzes" / "banks" / "demo.yml"
    with _Server(site.root, free_port()) as server:
        server.wait_for("Serving on")
        assert "ql-build-problems" not in server.page("lessons/standard-1/")

        bank.write_text(BANK.replace("answer: A", "answer: E"), encoding="utf-8")
        server.wait_for("Reloading browsers")
        page = server.page("lessons/standard-1/")
        assert 'class="ql-build-problems" role="alert"' in page
        assert "quizzes/banks/demo.yml:6: " in page
        assert server.process.poll() is None  # still serving

        bank.write_text(BANK, encoding="utf-8")
        server.wait_for("Reloading browsers")
        assert "ql-build-problems" not in server.page("lessons/standard-1/")


def test_serve_runs_on_a_site_without_quizzes_or_routes(make_site):
    """A new site has no quizzes/ (nor quizzes/paths/) yet: nothing to watch there."""
    site = make_site(config={"plugins": {"qinglian/path": {}}})
    assert not (site.root / "quizzes").exists()
    with _Server(site.root, free_port()) as server:
        server.wait_for("Serving on")
        (site.root / "content/lessons/standard-1.md").write_text("# 第一条\n\n改过了。\n",
                                                                 encoding="utf-8")
        server.wait_for("Reloading browsers")
        assert "改过了" in server.page("lessons/standard-1/")
        assert server.process.poll() is None


def test_serve_shows_a_glossary_error_on_the_page_until_it_is_fixed(make_site):
    """The glossary is read before the portal starts a build's list of problems."""
    site = make_site()
    terms = site.root / "content" / "glossary" / "terms.yml"
    good = terms.read_text(encoding="utf-8")
    with _Server(site.root, free_port()) as server:
        server.wait_for("Serving on")
        terms.write_text(good.replace("  - term: 统方", "  - term 统方"), encoding="utf-8")
        server.wait_for("Reloading browsers")
        page = server.page("glossary/")
        assert 'class="ql-build-problems" role="alert"' in page
        assert "content/glossary/terms.yml:3: invalid YAML" in page

        terms.write_text(good, encoding="utf-8")
        server.wait_for("Reloading browsers")
        assert "ql-build-problems" not in server.page("glossary/")
        assert server.process.poll() is None


def test_serve_passes_over_the_files_editors_keep_beside_a_bank(make_site):
    """Emacs' lock (.#demo.yml, a link to nowhere), vim's swap file and macOS's
    ._demo.yml sit in quizzes/banks/ while a trainer edits: no bank of theirs."""
    site = make_site({"quizzes/banks/demo.yml": BANK})
    banks = site.root / "quizzes" / "banks"
    # There from the start, so that the bank's save is the one change the preview sees:
    # made while serving, one poll (every 0.5 s) could see them and the next the save,
    # and the first rebuild's page, without the bank's problem, would be the one read
    (banks / ".#demo.yml").symlink_to("trainer@ward-pc.4242:1733000000")
    (banks / "._demo.yml").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (banks / ".demo.yml.swp").write_bytes(b"b0VIM 9.0\x00")
    with _Server(site.root, free_port()) as server:
        server.wait_for("Serving on")
        (banks / "demo.yml").write_text(BANK.replace("answer: A", "answer: E"), encoding="utf-8")
        server.wait_for("Reloading browsers")
        page = server.page("lessons/standard-1/")
        problems = re.findall(r"<li><code>(.*?)</code></li>", page)
        assert len(problems) == 1 and "quizzes/banks/demo.yml:6: " in problems[0], problems
        assert server.process.poll() is None


def test_serve_shows_a_page_saved_in_gbk_until_it_is_saved_as_utf8(make_site):
    """A build that stops leaves the browser waiting on the old page: the preview
    shows the page empty under the red box instead."""
    site = make_site()
    page = site.root / "content" / "lessons" / "standard-1.md"
    with _Server(site.root, free_port()) as server:
        server.wait_for("Serving on")
        page.write_bytes("# 第一条\n\n不得统方。\n".encode("gbk"))
        server.wait_for("Reloading browsers")
        shown = server.page("lessons/standard-1/")
        assert 'class="ql-build-problems" role="alert"' in shown
        assert "content/lessons/standard-1.md:1: the file is not UTF-8 text" in shown

        page.write_text("# 第一条\n\n不得统方。\n", encoding="utf-8")
        server.wait_for("Reloading browsers")
        shown = server.page("lessons/standard-1/")
        assert "ql-build-problems" not in shown and "第一条</h1>" in shown
        assert server.process.poll() is None


def test_serve_watches_the_route_folder_once(make_site):
    """quizzes/paths/ lies in quizzes/, which the quiz plugin watches: watched twice,
    every saved route was built twice."""
    site = make_site(config={"plugins": {"qinglian/path": {}}})
    (site.root / "quizzes" / "paths").mkdir(parents=True)
    with _Server(site.root, free_port()) as server:
        watching = server.wait_for("Watching paths for changes")
        assert "'quizzes'" in watching and "paths'" not in watching, watching


def test_serve_shows_a_later_pages_problem_on_every_page(make_site):
    """A page rendered before the one with the problem lists it too."""
    site = make_site({"quizzes/banks/demo.yml": BANK})
    later = site.root / "content" / "lessons" / "standard-2.md"
    with _Server(site.root, free_port()) as server:
        server.wait_for("Serving on")
        later.write_text("# 第二条\n\n```quiz\nid: no-such-quiz\n```\n", encoding="utf-8")
        server.wait_for("Reloading browsers")
        for path in ("", "lessons/standard-1/", "lessons/standard-2/"):
            page = html.unescape(server.page(path))
            assert "content/lessons/standard-2.md:4: unknown quiz id 'no-such-quiz'" in page, path

        later.unlink()
        server.wait_for("Reloading browsers")
        assert "ql-build-problems" not in server.page("")
