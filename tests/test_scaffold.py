"""``qinglian new``: complete starting files that the checks accept, never an overwrite."""

import re
import shutil
import subprocess
import sys

import pytest

from imagefactory import plain
from qinglian.cli import main
from qinglian.scaffold import TEMPLATES

PLUGINS = {"qinglian/portal": {"sections": {"lessons": "九项准则", "glossary": "术语表",
                                            "cases": "警示案例", "exhibits": "清廉文化",
                                            "pledges": "承诺", "risks": "风险防控"}},
           "qinglian/cases": {}, "qinglian/risks": {}, "qinglian/gallery": {},
           "qinglian/pledge": {}}


@pytest.fixture
def site(make_site):
    return make_site({"content/cases/index.md": "# 案例\n", "content/risks/index.md": "# 风险\n",
                      "content/exhibits/index.md": "# 长廊\n", "content/pledges/index.md": "# 承诺\n"},
                     {"extra": {"hospital": {"departments": ["内科"]}}, "plugins": PLUGINS})


@pytest.mark.parametrize("kind, made", [
    ("lesson", "content/lessons/ethics-basics.md"),
    ("case", "content/cases/ethics-basics.md"),
    ("exhibit", "content/exhibits/ethics-basics.md"),
    ("bank", "quizzes/banks/ethics-basics.yml"),
    ("pledge", "content/pledges/ethics-basics.md"),
    ("risk", "content/risks/ethics-basics.yml"),
])
def test_new_file_is_made_once(site, capsys, kind, made):
    config = ["-f", str(site.config_file)]
    assert main(["new", kind, "ethics-basics", *config]) == 0
    out = capsys.readouterr().out
    path = site.root / made
    assert f"created {path}" in out and "fill in: " in out
    text = path.read_text(encoding="utf-8")
    (path).write_text(text + "# 已经写了的内容\n", encoding="utf-8")
    assert main(["new", kind, "ethics-basics", *config]) == 1
    assert "exists; choose another name" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8").endswith("# 已经写了的内容\n")


PLACEHOLDER = "a placeholder from `qinglian new`"
# Where each new file has its placeholders: (file, line, placeholder) in file order
LEFT_OVER = [
    ("content/cases/new-case.md", 2, "【案例标题】"),
    ("content/cases/new-case.md", 3, "【一句话概括案情和结论】"),
    ("content/cases/new-case.md", 6, "【涉及的岗位】"),
    ("content/cases/new-case.md", 9, "【案例标题】"),
    ("content/cases/new-case.md", 13, "【教学案例，不写真实人名、单位和地点】"),
    ("content/cases/new-case.md", 23, "【讨论题一】"),
    ("content/cases/new-case.md", 24, "【讨论题二】"),
    ("content/exhibits/new-exhibit.md", 2, "【作品标题】"),
    ("content/exhibits/new-exhibit.md", 3, "【作者姓名或科室】"),
    ("content/exhibits/new-exhibit.md", 4, "【科室，须在 extra.hospital.departments 中】"),
    ("content/exhibits/new-exhibit.md", 7, "【一到三句话的作品说明】"),
    ("content/exhibits/new-exhibit.md", 10, "【画面里看得见的内容，给读屏用户】"),
    ("content/exhibits/new-exhibit.md", 13, "【作品标题】"),
    ("content/lessons/new-lesson.md", 2, "【课程标题】"),
    ("content/lessons/new-lesson.md", 4, "【一两句话概括本课要点，显示在目录和海报上】"),
    ("content/lessons/new-lesson.md", 8, "【课程标题】"),
    ("content/lessons/new-lesson.md", 12, "【准则原文，以官方文本为准】"),
    ("content/pledges/new-pledge.md", 2, "【承诺书标题】"),
    ("content/pledges/new-pledge.md", 7, "【承诺书标题】"),
    ("content/pledges/new-pledge.md", 10, "【承诺书标题】"),
    ("content/pledges/new-pledge.md", 12, "【承诺书正文】"),
    ("content/risks/new-risk.yml", 1, "【登记表说明】"),
    ("content/risks/new-risk.yml", 4, "【科室】"),
    ("content/risks/new-risk.yml", 5, "【岗位】"),
    ("content/risks/new-risk.yml", 6, "【风险点】"),
    ("content/risks/new-risk.yml", 10, "【防控措施】"),
    ("content/risks/new-risk.yml", 11, "【责任岗位】"),
    ("quizzes/banks/new-bank.yml", 1, "【题库说明】"),
    ("quizzes/banks/new-bank.yml", 5, "【题干】"),
    ("quizzes/banks/new-bank.yml", 7, "【选项 A】"),
    ("quizzes/banks/new-bank.yml", 8, "【选项 B】"),
    ("quizzes/banks/new-bank.yml", 9, "【选项 C】"),
    ("quizzes/banks/new-bank.yml", 10, "【选项 D】"),
    ("quizzes/banks/new-bank.yml", 12, "【解析：为什么选这一项】"),
]
# The problems that are not placeholders: the exhibit's department (a placeholder
# too) and picture, and the pledge's lock, are the trainer's to give
NOT_PLACEHOLDERS = ["content/exhibits/new-exhibit.md:4", "content/exhibits/new-exhibit.md:9",
                    "content/pledges/new-pledge.md:3"]


def test_new_files_are_complete_but_for_what_only_the_trainer_can_give(site):
    """Every problem of new files is a placeholder (named with its line, by the check
    and the strict build) or the exhibit's picture and the pledge's lock; once they
    are written, the site builds, a trainer's own 【要点】 left alone, and so are a risk
    register's 【科室】 and 【防控措施】 in a lesson (labels there, placeholders only in a
    register)."""
    for kind in sorted(TEMPLATES):
        assert main(["new", kind, f"new-{kind}", "-f", str(site.config_file)]) == 0
    left_over = [f"{path}:{line}: {PLACEHOLDER} is still here: {text} — "
                 "write the text it asks for in its place" for path, line, text in LEFT_OVER]
    problems = _check(site)
    assert sorted(p for p in problems if PLACEHOLDER in p) == sorted(left_over), problems
    assert sorted(p.split(": ", 1)[0] for p in problems if PLACEHOLDER not in p) == \
        NOT_PLACEHOLDERS, problems
    log = site.failed_build_log()
    assert all(problem in log for problem in left_over), log

    for path in {path for path, _, _ in LEFT_OVER}:
        text = (site.root / path).read_text(encoding="utf-8")
        text = text.replace("【科室，须在 extra.hospital.departments 中】", "内科")
        (site.root / path).write_text(re.sub(r"【([^】]*)】", r"\1", text), encoding="utf-8")
    (site.root / "content/exhibits/images").mkdir()
    plain(site.root / "content/exhibits/images/new-exhibit.jpg")
    (site.root / "content/lessons/new-lesson.md").write_text(
        (site.root / "content/lessons/new-lesson.md").read_text(encoding="utf-8")
        + "\n【要点】不收红包。\n\n【科室】药剂科　【防控措施】双人核对。\n", encoding="utf-8")
    assert main(["pledge", "lock", "-f", str(site.config_file)]) == 0
    assert _check(site) == []
    result = site.build()
    assert result.returncode == 0, result.stderr


def test_pledge_with_placeholders_is_not_locked(site, capsys):
    """`qinglian pledge lock` refuses a new pledge's placeholder words: locked, they
    would be archived and signed as its version 1 for good."""
    config = ["-f", str(site.config_file)]
    assert main(["new", "pledge", "intern", *config]) == 0
    assert main(["pledge", "lock", *config]) == 1
    err = capsys.readouterr().err
    assert (f"content/pledges/intern.md:12: {PLACEHOLDER} is still here: 【承诺书正文】" in err
            and "Nothing was locked." in err), err
    assert not (site.root / "content/pledges/pledges.lock.json").exists()
    page = site.root / "content/pledges/intern.md"
    page.write_text(page.read_text(encoding="utf-8").replace("【承诺书标题】", "实习生廉洁承诺书")
                    .replace("【承诺书正文】", "本人承诺不收受红包。"), encoding="utf-8")
    assert main(["pledge", "lock", *config]) == 0
    assert "locked pledge 'intern' version 1" in capsys.readouterr().out


def _check(site) -> list[str]:
    """Return the lines `qinglian check` prints, run as a trainer runs it."""
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    return result.stdout.splitlines()


def test_a_file_where_the_section_folder_must_be_is_named(site, capsys):
    """content/cases saved as a file: exit 1 naming it, not a FileExistsError traceback."""
    cases = site.root / "content/cases"
    shutil.rmtree(cases)
    cases.write_text("", encoding="utf-8")
    assert main(["new", "case", "gift", "-f", str(site.config_file)]) == 1
    assert capsys.readouterr().err == (f"qinglian new: cannot write '{cases / 'gift.md'}': "
                                       f"'{cases}' is a file, not a folder; rename that file, "
                                       "or write elsewhere\n")


def test_bad_names_are_refused(site, capsys):
    assert main(["new", "case", "警示案例", "-f", str(site.config_file)]) == 1
    assert "is not a file name" in capsys.readouterr().err


def test_names_windows_keeps_for_devices_are_refused(site, capsys):
    """cases/aux.md could not be copied to a Windows PC or USB stick: no file is made."""
    assert main(["new", "case", "aux", "-f", str(site.config_file)]) == 1
    assert ("'aux' is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM0-COM9, "
            "LPT0-LPT9): a file so named cannot be copied to a Windows PC or USB stick; choose "
            "another, e.g. aux-1") in capsys.readouterr().err
    assert not list(site.root.glob("content/cases/aux*"))
