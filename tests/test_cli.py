"""The ``qinglian`` command itself: what every sub-command shares."""

import io
import os
import re
import subprocess
import sys

import pytest

from qinglian import check
from qinglian.cli import main

BANK_WITH_EMOJI = """\
questions:
  - id: base-001
    type: true_false
    stem: 红包可以收吗？
    answer: false
    explanation: 不可以。
    standards: [1]
    difficulty: 😀easy
"""


def test_output_a_console_cannot_show_is_escaped(make_site, monkeypatch):
    """A GBK console (Chinese Windows) gets a character outside GBK written out, and
    the rest of the output after it."""
    site = make_site({"quizzes/banks/base.yml": BANK_WITH_EMOJI})
    console = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(console, encoding="gbk"))
    assert main(["check", "-f", str(site.config_file)]) == 1
    sys.stdout.flush()
    shown = console.getvalue().decode("gbk")
    assert "quizzes/banks/base.yml:8: unknown difficulty '\\U0001f600easy'" in shown


@pytest.mark.parametrize("unbuffered", [True, False])
def test_reader_that_stops_reading_is_no_traceback(make_site, unbuffered):
    """`qinglian check | head -1`: head leaves, the command ends quietly, not with a
    BrokenPipeError. Its output is buffered as a user's is, or not (PYTHONUNBUFFERED)."""
    site = make_site({"quizzes/banks/base.yml": BANK_WITH_EMOJI})
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if unbuffered:
        environment["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    os.close(read_end)  # a reader gone before anything was written
    try:
        result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=site.root,
                                stdout=write_end, stderr=subprocess.PIPE, text=True,
                                env=environment)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    # Neither a traceback nor Python's "Exception ignored"; the count may be said
    assert result.stderr in ("", "1 problem(s) found.\n")


def test_ctrl_c_is_no_traceback(make_site, monkeypatch, capsys):
    """Ctrl+C during a long check says it stopped, with the shell's code for it."""
    site = make_site()

    def interrupted(config_file):
        raise KeyboardInterrupt

    monkeypatch.setattr(check, "check_site", interrupted)
    assert main(["check", "-f", str(site.config_file)]) == 130
    assert capsys.readouterr().err == "qinglian check: stopped by Ctrl+C\n"


def test_run_outside_the_site_says_where_to_run(make_site, monkeypatch, capsys):
    """In a sub-folder of the site there is no mkdocs.yml: the message says where it
    looked and how to point at the site."""
    site = make_site()
    monkeypatch.chdir(site.root / "content")
    assert main(["check"]) == 2
    assert capsys.readouterr().err == (
        f"qinglian check: no MkDocs configuration at 'mkdocs.yml' in {site.root / 'content'}; "
        "run the command in the site's folder (the one holding mkdocs.yml), or give its "
        "mkdocs.yml with -f\n")


def test_configuration_saved_in_gbk_names_its_line(make_site, capsys):
    """mkdocs.yml saved by Notepad as ANSI (GBK): the line and the fix, not MkDocs's
    "unacceptable character #x00b2 … position 12"."""
    site = make_site()
    config = site.config_file.read_text(encoding="utf-8")
    site.config_file.write_bytes(config.encode("gbk"))
    first_chinese = re.search(r"[^\x00-\x7f]", config).start()
    line = config[:first_chinese].count("\n") + 1
    assert main(["check", "-f", str(site.config_file)]) == 1
    assert capsys.readouterr().out == (f"{site.config_file}:{line}: the file is not UTF-8 text "
                                       "— save it as UTF-8 (记事本/WPS: 另存为 → 编码 UTF-8)\n")


def test_inherited_configuration_saved_in_gbk_names_its_line(make_site, monkeypatch, capsys):
    """mkdocs.offline.yml inherits a mkdocs.yml saved as ANSI (GBK): the inherited file's
    line and the fix, as for mkdocs.yml itself, not MkDocs's byte position."""
    site = make_site()
    config = site.config_file.read_text(encoding="utf-8")
    site.config_file.write_bytes(config.encode("gbk"))
    (site.root / "mkdocs.offline.yml").write_text("INHERIT: mkdocs.yml\nsite_dir: site-offline\n",
                                                  encoding="utf-8")
    first_chinese = re.search(r"[^\x00-\x7f]", config).start()
    line = config[:first_chinese].count("\n") + 1
    monkeypatch.chdir(site.root)
    assert main(["check", "-f", "mkdocs.offline.yml"]) == 1
    assert capsys.readouterr().out == (f"mkdocs.yml:{line}: the file is not UTF-8 text "
                                       "— save it as UTF-8 (记事本/WPS: 另存为 → 编码 UTF-8)\n")
