"""The ``qinglian`` command itself: what every sub-command shares."""

import io
import sys

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
