"""``qinglian new``: complete starting files that the checks accept, never an overwrite."""

import subprocess
import sys

import pytest

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


def test_new_files_pass_the_checks_but_for_what_only_the_trainer_can_give(site):
    for kind in sorted(TEMPLATES):
        assert main(["new", kind, f"new-{kind}", "-f", str(site.config_file)]) == 0
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"],
                            capture_output=True, text=True, cwd=site.root)
    problems = result.stdout.splitlines()
    # The exhibit's department and picture, and the pledge's lock, are the trainer's to give
    assert sorted(line.split(" — ")[0].split(": ", 1)[0] for line in problems) == [
        "content/exhibits/new-exhibit.md:4", "content/exhibits/new-exhibit.md:9",
        "content/pledges/new-pledge.md:3"], problems


def test_bad_names_are_refused(site, capsys):
    assert main(["new", "case", "警示案例", "-f", str(site.config_file)]) == 1
    assert "is not a file name" in capsys.readouterr().err
