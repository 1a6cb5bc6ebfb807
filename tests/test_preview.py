"""``qinglian preview bank``: every question with its answer, by standard and difficulty."""

import re

import pytest

from qinglian.cli import main
from test_quiz_build import PRACTICE

BANK = """questions:
  - id: b-001
    type: single
    stem: "<script>alert(1)</script> 第一条禁止什么？"
    options: [统方, 按劳取酬]
    answer: A
    explanation: 第一条禁止统方。
    standards: [1]
    difficulty: easy
  - id: b-002
    type: true_false
    stem: 可以收红包。
    answer: false
    explanation: 第八条。
    standards: [8]
    difficulty: hard
  - id: b-003
    type: fill_blank
    stem: 俗称“____”。
    answer: [统方, 统计处方]
    explanation: 统方。
    standards: [1]
    difficulty: easy
  - id: b-004
    type: multiple
    stem: 坏题
    options: [甲, 乙]
    answer: [A, C]
    explanation: 选项没有 C。
    standards: [2]
    difficulty: medium
"""


def test_preview_lists_answers_by_standard_and_difficulty(make_site, capsys):
    site = make_site({"quizzes/banks/demo.yml": BANK})
    out = site.root / "review.html"
    code = main(["preview", "bank", "demo", "-o", str(out), "-f", str(site.config_file)])
    assert code == 1  # the bank has a problem: shown, and the exit says so
    assert "quizzes/banks/demo.yml:28:" in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert re.findall(r"<h2>([^<]+)</h2>", page)[1:] == ["第一条 · 容易（2）", "第八条 · 较难（1）"]
    assert "A. 统方 <strong>✓ 正确答案</strong>" in page
    assert "答案：<strong>错误</strong>" in page and "答案：<strong>统方 | 统计处方</strong>" in page
    assert "quizzes/banks/demo.yml:28:" in page  # the problem, on the page too
    assert "<tfoot><tr><th scope='row'>合计</th><td>2</td><td>0</td><td>1</td><td>3</td>" in page


def test_preview_of_an_english_site_is_in_english(make_site, capsys):
    """Headings read "Standard 1 · easy (2)": the count was in full-width brackets."""
    site = make_site({"quizzes/banks/demo.yml": BANK}, {"theme": {"language": "en"}})
    out = site.root / "review.html"
    main(["preview", "bank", "demo", "-o", str(out), "-f", str(site.config_file)])
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>\n<html lang='en'>")
    assert re.findall(r"<h2>([^<]+)</h2>", page)[1:] == ["Standard 1 · easy (2)", "Standard 8 · hard (1)"]
    assert "Answer: <strong>False</strong>" in page


@pytest.mark.parametrize("name", ["demi", "../practice", "x" * 300],
                         ids=["misspelt", "a-quiz-beside-the-banks", "too-long-for-the-system"])
def test_preview_of_an_unknown_bank(make_site, capsys, name):
    """A name that is not a bank's: exit 2 naming the banks there are, nothing written
    (a path outside banks/ is not followed, a name too long is no traceback)."""
    site = make_site({"quizzes/banks/demo.yml": BANK, "quizzes/practice.yml": PRACTICE})
    before = sorted(site.root.rglob("*"))
    assert main(["preview", "bank", name, "-f", str(site.config_file)]) == 2
    err = capsys.readouterr().err
    assert f"there is no bank '{name}'" in err and "(banks: demo)" in err
    assert sorted(site.root.rglob("*")) == before


@pytest.mark.parametrize("output, message", [
    ("folder", "cannot write '{root}/folder': it is a folder; give a file name"),
    ("file/review.html",
     "cannot write '{root}/file/review.html': '{root}/file' is a file, not a folder"),
    # A file further up: the system says "Not a directory"
    ("file/2026/review.html",
     "cannot write '{root}/file/2026/review.html': '{root}/file' is a file, not a folder"),
])
def test_preview_that_cannot_be_written_says_why(make_site, capsys, output, message):
    """-o naming a folder, or a path through a file: exit 2 and what stands in the way."""
    site = make_site({"quizzes/banks/demo.yml": BANK})
    (site.root / "folder").mkdir()
    (site.root / "file").write_text("", encoding="utf-8")
    assert main(["preview", "bank", "demo", "-o", str(site.root / output),
                 "-f", str(site.config_file)]) == 2
    assert message.format(root=site.root) in capsys.readouterr().err
