"""The bad-input corpus: every broken input in tests/corpus/ is refused, clearly.

tests/corpus/manifest.yml lists the entries. Each lays its files (the folder
of the same name under tests/corpus/, paths relative to the project) over a
small site that uses the content plugins (the onboarding path included), or
makes them with one of the generators below where a file would be huge. Then each
command it names must exit non-zero with a message naming the file (and line
where there is one), print no Python traceback, and write nothing in the
project outside the site dir and the .cache folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

import imagefactory as make
from conftest import FIXTURE_CONFIG, FIXTURE_FILES, FixtureSite, _merge, _quiet_env
from qinglian.pledge.lock import update_lock, write_lock
from qinglian.pledge.models import read_pledge

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yml").read_text(encoding="utf-8"))
# What commands may write: the build's output and the caches
WRITABLE = ("site/", ".cache/")

# --- the site every entry is laid over ----------------------------------------

BANK = """\
questions:
  - id: base-001
    type: single
    stem: 下列做法正确的是？
    options: [拒收红包, 收下红包]
    answer: A
    explanation: 红包一律拒收。
    standards: [1]
    difficulty: easy
  - id: base-002
    type: fill_blank
    stem: 统计医师用药量以谋利，俗称____。
    answer: [统方]
    explanation: 即统方。
    standards: [1]
    difficulty: medium
"""
QUIZ = "title: 第一条练习\nmode: practice\nquestions: [base-001, base-002]\npass_mark: 60\n"
PLEDGE = """---
pledge:
  id: staff
  audience: staff
  version: "1"
  title: 职工廉洁承诺书
---

# 职工廉洁承诺书

本人承诺不收受红包。

```pledge
id: staff
```
"""
CASE = """---
title: 信息科工程师拒绝统方
summary: 工程师拒绝导出用量并报告。
standards: [1]
kind: positive
post: 信息科工程师
---

# 信息科工程师拒绝统方

## 案情
有人请他导出医师用药量。

## 处理结果
医院通报表扬。

## 违反了什么
对方的请求违反第一条。

## 启示
守住数据关口。

## 讨论题
1. 你会怎么做？
2. 还有哪些岗位能接触数据？
"""
RISKS = """\
risks:
  - id: r-001
    department: 药剂科
    post: 药品调剂岗
    risk: 统方
    standards: [1]
    level: 高
    measures: [权限分级]
    owner: 药剂科主任
"""
EXHIBIT = """---
title: 清风正气
creator: 李文涛
department: 内科
medium: 书法
year: 2025
description: 楷书四字。
images:
  - file: images/a.png
    alt: 宣纸上的四个楷书大字
---

# 清风正气
"""
ROUTE = """\
title: 新职工入职培训
min_read_seconds: 60
steps:
  - id: overview
    kind: read
    title: 了解九项准则总览
    pages: [lessons/index.md]
    min_read_seconds: 30
  - id: cases
    kind: read
    title: 阅读警示案例
    pages: [cases/s1-refuse.md]
  - id: exam
    kind: quiz
    title: 通过练习
    quiz: practice
  - id: pledge
    kind: pledge
    title: 签署承诺书
    pledge: staff
"""
BASE_FILES = {
    "content/lessons/standard-1.md": "# 第一条\n\n不得统方。\n\n## 自测\n\n```quiz\nid: practice\n```\n",
    "quizzes/banks/base.yml": BANK,
    "quizzes/practice.yml": QUIZ,
    "content/pledges/index.md": "# 承诺\n",
    "content/pledges/staff.md": PLEDGE,
    "content/cases/index.md": "# 警示案例\n",
    "content/cases/s1-refuse.md": CASE,
    "content/risks/index.md": "# 风险防控\n",
    "content/risks/register.yml": RISKS,
    "content/exhibits/index.md": "# 清廉文化\n",
    "content/exhibits/calligraphy.md": EXHIBIT,
    "quizzes/paths/onboarding.yml": ROUTE,
    "content/onboarding/index.md": "# 入职培训\n\n按顺序完成：\n\n```path\nid: onboarding\n```\n",
    "content/onboarding/certificate.md": "# 结业证书\n\n```certificate\nid: onboarding\n```\n",
}
BASE_CONFIG = {
    "site_url": "http://intranet.test/",
    "exclude_docs": "*.yml\n*.lock.json\n/pledges/archive/\n",
    "extra": {"hospital": {"departments": ["内科", "护理部"]}},
    "plugins": {
        "qinglian/portal": {"sections": {
            "lessons": "九项准则", "cases": "警示案例", "exhibits": "清廉文化", "pledges": "承诺",
            "risks": "风险防控", "onboarding": "入职培训", "glossary": "术语表"}},
        "qinglian/pledge": {}, "qinglian/cases": {}, "qinglian/risks": {},
        "qinglian/gallery": {}, "qinglian/posters": {}, "qinglian/path": {},
    },
}


def write_base(root: Path) -> FixtureSite:
    """Write the corpus's base site (the onboarding path included) to ``root``."""
    for name, text in {**FIXTURE_FILES, **BASE_FILES}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        yaml.safe_dump(_merge(FIXTURE_CONFIG, BASE_CONFIG), allow_unicode=True), encoding="utf-8")
    (root / "content/exhibits/images").mkdir()
    make.plain(root / "content/exhibits/images/a.png")
    pledge, problems = read_pledge(PLEDGE, "content/pledges/staff.md")
    assert not problems
    lock, added, _ = update_lock([pledge], {}, date(2025, 1, 1))
    write_lock(root / "content/pledges", lock, added)
    return FixtureSite(root)


@pytest.fixture(scope="session")
def base_site(tmp_path_factory) -> FixtureSite:
    return write_base(tmp_path_factory.mktemp("corpus-base"))


def run_qinglian(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], capture_output=True,
                          text=True, cwd=root, env=_quiet_env(), timeout=120)


def run_build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"],
                          capture_output=True, text=True, cwd=root, env=_quiet_env(),
                          timeout=300)


def test_base_site_is_clean(base_site, tmp_path):
    """Control: the site the entries are laid over passes the check and the strict build."""
    root = tmp_path / "project"
    shutil.copytree(base_site.root, root)
    check = run_qinglian(root, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    build = run_build(root)
    assert build.returncode == 0, build.stderr
    assert "第一条练习" in (root / "site/lessons/standard-1/index.html").read_text(encoding="utf-8")
    route = json.loads((root / "site/qinglian-manifest.json").read_text(encoding="utf-8"))["paths"]
    assert [step["id"] for step in route["onboarding"]["steps"]] == ["overview", "cases", "exam",
                                                                    "pledge"]


# --- generators: entries too big or too odd to keep as files ---------------------

MEGABYTE = 1024 * 1024


def _huge_line_bank(root: Path) -> str:
    # A 1 MB stem on one line, then a mistake further down that must still be found
    stem = "长" * (MEGABYTE // 3)
    text = BANK.replace("stem: 下列做法正确的是？", f"stem: {stem}").replace(
        "difficulty: medium", "difficulty: impossible")
    (root / "quizzes/banks/base.yml").write_text(text, encoding="utf-8")
    return "quizzes/banks/base.yml"


def _huge_bank(root: Path) -> str:
    # 3,000 questions (half a megabyte); one of them is broken near the end
    entries = [
        f"  - id: big-{n:05d}\n    type: true_false\n    stem: 第{n}题\n    answer: true\n"
        f"    explanation: 说明。\n    standards: [{n % 9 + 1}]\n    difficulty: easy\n"
        for n in range(3000)]
    entries[2990] = entries[2990].replace("answer: true", "answer: maybe")
    (root / "quizzes/banks/big.yml").write_text("questions:\n" + "".join(entries),
                                                encoding="utf-8")
    return "quizzes/banks/big.yml"


def _deep_nesting_bank(root: Path) -> str:
    # Nested flow sequences 10,000 deep: PyYAML's parser recurses per level
    depth = 10000
    (root / "quizzes/banks/deep.yml").write_text(
        "questions:\n  - id: deep-001\n    stem: " + "[" * depth + "]" * depth + "\n",
        encoding="utf-8")
    return "quizzes/banks/deep.yml"


def _huge_line_risk(root: Path) -> str:
    (root / "content/risks/register.yml").write_text(
        RISKS.replace("risk: 统方", "risk: " + "统" * (MEGABYTE // 3))
        .replace("level: 高", "level: 特高"), encoding="utf-8")
    return "content/risks/register.yml"


def _huge_csv(root: Path) -> str:
    # 1,000 good rows and one bad one: the problem is still named by its row
    rows = ["题型,题干,选项A,选项B,答案,解析,准则,难度"]
    rows += [f"单选,第{n}题,甲,乙,A,说明,1,易" for n in range(1000)]
    rows.insert(900, "单选,坏题,甲,乙,Z,说明,1,易")
    sheets = root / "sheets"
    sheets.mkdir(exist_ok=True)
    (sheets / "huge.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return "sheets/huge.csv"


def _million_cell_csv(root: Path) -> str:
    # One cell of 1 MB on one line, quoted, with an answer that names no option
    sheets = root / "sheets"
    sheets.mkdir(exist_ok=True)
    (sheets / "wide.csv").write_text(
        "题型,题干,选项A,选项B,答案,解析,准则,难度\n"
        f'单选,"{"题" * MEGABYTE}",甲,乙,C,说明,1,易\n', encoding="utf-8")
    return "sheets/wide.csv"


def _huge_lock(root: Path) -> str:
    # A lock file of 2 MB that is cut off mid-way
    lock = {f"p{n}": [{"version": "1", "sha256": "0" * 64, "date": "2025-01-01"}]
            for n in range(20000)}
    text = json.dumps(lock, indent=2)
    (root / "content/pledges/pledges.lock.json").write_text(text[: len(text) // 2],
                                                            encoding="utf-8")
    return "content/pledges/pledges.lock.json"


GENERATORS = {
    "huge_line_bank": _huge_line_bank,
    "huge_bank": _huge_bank,
    "deep_nesting_bank": _deep_nesting_bank,
    "huge_line_risk": _huge_line_risk,
    "huge_csv": _huge_csv,
    "million_cell_csv": _million_cell_csv,
    "huge_lock": _huge_lock,
}


# --- the corpus --------------------------------------------------------------------


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time."""
    listing = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            stat = path.stat()
            listing[path.relative_to(root).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return listing


def _lay(entry: dict, root: Path) -> list[str]:
    """Lay the entry over the project at ``root``; return the paths it laid."""
    laid = []
    folder = CORPUS / entry["name"]
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                relative = path.relative_to(folder).as_posix()
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                laid.append(relative)
    for relative in entry.get("delete", []):
        (root / relative).unlink()
    if "config" in entry:
        config = _merge(_merge(FIXTURE_CONFIG, BASE_CONFIG), entry["config"])
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                         encoding="utf-8")
        laid.append("mkdocs.yml")
    if "generate" in entry:
        laid.append(GENERATORS[entry["generate"]](root))
    return laid


def _run(command: list[str], root: Path) -> subprocess.CompletedProcess:
    if command == ["build"]:
        return run_build(root)
    return run_qinglian(root, *command)


ENTRIES = MANIFEST["entries"]


def test_windows_line_endings_read_like_unix_ones(base_site, tmp_path):
    """Every page, bank and route saved with CRLF (Notepad) checks and builds as the
    same site with LF: front matter, fences and blocks are all found."""
    pages = ["lessons/standard-1/index.html", "pledges/staff/index.html",
             "cases/s1-refuse/index.html", "onboarding/index.html"]
    built = {}
    for ending in ("\n", "\r\n"):
        root = tmp_path / ("crlf" if ending == "\r\n" else "lf")
        shutil.copytree(base_site.root, root)
        for path in [*root.glob("content/**/*.md"), *root.glob("quizzes/**/*.yml"),
                     *root.glob("content/**/*.yml")]:
            path.write_bytes(path.read_bytes().replace(b"\n", ending.encode()))
        check = run_qinglian(root, "check")
        assert check.returncode == 0, check.stdout + check.stderr
        build = run_build(root)
        assert build.returncode == 0, build.stderr
        built[ending] = [(root / "site" / page).read_text(encoding="utf-8") for page in pages]
    assert built["\r\n"] == built["\n"]
    assert "信息科工程师拒绝统方</h1>" in built["\r\n"][2]


def test_front_matter_problem_is_said_once(base_site, tmp_path):
    """A case's unreadable front matter: the cases plugin and the portal's page check
    both find it; the build says it once."""
    root = tmp_path / "project"
    shutil.copytree(base_site.root, root)
    _lay(next(entry for entry in ENTRIES if entry["name"] == "case-front-matter-bad-yaml"), root)
    build = run_build(root)
    assert build.returncode != 0
    assert build.stderr.count("content/cases/s1-refuse.md:5: invalid YAML") == 1, build.stderr


def test_manifest_is_well_formed():
    """Names are unique, each entry has its files or a generator, and ≥ 40 entries."""
    names = [entry["name"] for entry in ENTRIES]
    assert len(names) == len(set(names)) and len(names) >= 40
    for entry in ENTRIES:
        assert set(entry) <= {"name", "about", "commands", "expect", "config", "delete",
                              "generate", "file"}, entry["name"]
        assert entry["commands"] and entry["expect"], entry["name"]
        assert ((CORPUS / entry["name"]).is_dir() or "generate" in entry or "config" in entry
                or "delete" in entry), entry["name"]
    folders = {path.name for path in CORPUS.iterdir() if path.is_dir()}
    assert folders <= set(names), f"folders without an entry: {folders - set(names)}"


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["name"] for entry in ENTRIES])
def test_bad_input_is_refused(entry, base_site, tmp_path):
    """Each command fails, names the file (and line), prints no traceback, writes nothing
    in the project outside the site dir and the cache."""
    root = tmp_path / "project"
    shutil.copytree(base_site.root, root)
    laid = _lay(entry, root)
    expected = entry["expect"]
    # The message names a file the entry laid, or the one it names (a page whose
    # quiz block dangles once mkdocs.yml changes)
    assert any(path in expected for path in [*laid, entry.get("file", "")] if path), \
        f"the message names none of {laid}"
    before = _listing(root)
    for command in entry["commands"]:
        result = _run(command, root)
        output = result.stdout + result.stderr
        assert result.returncode != 0, f"{command} passed:\n{output[-3000:]}"
        assert "Traceback" not in output, output[-5000:]
        assert expected in output, f"{command}: expected {expected!r} in:\n{output[-3000:]}"
    after = _listing(root)
    changed = sorted(path for path in set(before) | set(after)
                     if before.get(path) != after.get(path) and not path.startswith(WRITABLE))
    assert changed == [], f"written outside {WRITABLE}: {changed}"


@pytest.mark.parametrize("command", [
    ["check"], ["new", "lesson", "abc"], ["preview", "bank", "base"], ["pledge", "lock"],
    ["import", "questions", "sheet.csv", "--bank", "base"],
    ["export", "questions", "--bank", "base", "--format", "csv", "-o", "out.csv"],
], ids=lambda command: " ".join(command[:2]))
def test_configuration_name_too_long_for_the_system(tmp_path, command):
    """-f naming a file longer than the system allows is no configuration, as a missing
    one is (Path.is_file raises OSError for such a name): exit 2, no traceback."""
    (tmp_path / "sheet.csv").write_text("题型,题干,答案\n判断,可以收红包。,错\n", encoding="utf-8")
    result = run_qinglian(tmp_path, *command, "-f", "x" * 300 + ".yml")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "no MkDocs configuration at 'xxx" in result.stderr
    assert "Traceback" not in result.stderr
    assert [path.name for path in tmp_path.iterdir()] == ["sheet.csv"]
