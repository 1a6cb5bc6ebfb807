"""``qinglian new KIND NAME``: a new lesson, case, exhibit, bank, pledge or risk file.

Each file starts complete: every front-matter key and section heading the
plugins check, with placeholder text in 【】 for the trainer to replace. The
checks and the build name each placeholder still in a file, so a page is not
published titled 【课程标题】.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .common.errors import ContentProblem, cannot_write, device_name, device_named, undevice_name
from .common.writes import write_whole

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class Template:
    folder: str  # "docs" or "quizzes", then the sub-folder
    suffix: str
    text: str
    todo: str  # what to fill in, printed after the file is made


TEMPLATES = {
    "lesson": Template("docs/lessons", ".md", """---
title: 【课程标题】
standard: 1
summary: 【一两句话概括本课要点，显示在目录和海报上】
duration: 20
---

# 【课程标题】

## 条文

【准则原文，以官方文本为准】

## 为什么重要

## 界限与常见情形

## 情景判断

## 相关法规

## 违反后果

## 自测

<!-- 在 quizzes/ 建好练习测验后，在这里放一个 quiz 块（写法见编写指南“题库与测验”） -->
""", "title, standard (1–9), summary and every section; add a practice quiz under 自测"),
    "case": Template("docs/cases", ".md", """---
title: 【案例标题】
summary: 【一句话概括案情和结论】
standards: [1]
kind: warning
post: 【涉及的岗位】
---

# 【案例标题】

## 案情

【教学案例，不写真实人名、单位和地点】

## 处理结果

## 违反了什么

## 启示

## 讨论题

1. 【讨论题一】
2. 【讨论题二】
""", "title, summary, standards, kind (warning | positive), post, the five sections"),
    "exhibit": Template("docs/exhibits", ".md", """---
title: 【作品标题】
creator: 【作者姓名或科室】
department: 【科室，须在 extra.hospital.departments 中】
medium: 书法
year: 2026
description: 【一到三句话的作品说明】
images:
  - file: images/{name}.jpg
    alt: 【画面里看得见的内容，给读屏用户】
---

# 【作品标题】

## 创作说明

""", "every front-matter key; put the picture at content/exhibits/images/{name}.jpg"),
    "bank": Template("quizzes/banks", ".yml", """# 【题库说明】
questions:
  - id: {name}-001
    type: single            # single | multiple | true_false | fill_blank
    stem: 【题干】
    options:
      - 【选项 A】
      - 【选项 B】
      - 【选项 C】
      - 【选项 D】
    answer: A
    explanation: 【解析：为什么选这一项】
    standards: [1]
    difficulty: easy        # easy | medium | hard
""", "replace the example question; ids {name}-002, {name}-003 … for the next ones"),
    "pledge": Template("docs/pledges", ".md", """---
title: 【承诺书标题】
pledge:
  id: {name}
  audience: staff           # staff | family | supplier
  version: "1"
  title: 【承诺书标题】
---

# 【承诺书标题】

【承诺书正文】

```pledge
id: {name}
```
""", "title, audience and the text; then run 'qinglian pledge lock' to publish it"),
    "risk": Template("docs/risks", ".yml", """# 【登记表说明】
risks:
  - id: {name}-001
    department: 【科室】
    post: 【岗位】
    risk: 【风险点】
    standards: [1]
    level: 中               # 高 | 中 | 低
    measures:
      - 【防控措施】
    owner: 【责任岗位】
""", "every key of the example risk point; ids {name}-002 … for the next ones"),
}


# The kinds whose templates make pages, whose placeholders a page may hold; a bank's
# or a register's (【题干】, 【科室】) are looked for in banks and registers only, as a
# lesson may well write 【科室】 or 【防控措施】 on purpose
PAGE_KINDS = ("lesson", "case", "exhibit", "pledge")


class ScaffoldError(Exception):
    pass


def create(kind: str, name: str, docs_dir: Path, quizzes_dir: Path) -> tuple[Path, str]:
    """Write the new file; return its path and what to fill in. Raises ScaffoldError for a
    bad name, a file that exists (never overwritten) or one that cannot be written."""
    if not NAME.fullmatch(name):
        raise ScaffoldError(f"'{name}' is not a file name; use lower-case letters, digits and "
                            "hyphens, e.g. case-tongfang")
    if device_name(name):
        raise ScaffoldError(f"{device_named(name, 'a file so named')}; choose another, "
                            f"e.g. {undevice_name(name)}")
    template = TEMPLATES[kind]
    root, _, sub = template.folder.partition("/")
    path = (docs_dir if root == "docs" else quizzes_dir) / sub / f"{name}{template.suffix}"
    if path.exists():
        raise ScaffoldError(f"'{path}' exists; choose another name (existing files are never "
                            "overwritten)")
    try:
        write_whole(path, template.text.replace("{name}", name).encode("utf-8"))
    except OSError as error:  # content/cases a file, a full disk
        raise ScaffoldError(cannot_write(path, error)) from None
    return path, template.todo.replace("{name}", name)


def leftover_placeholders(text: str, shown: str, kinds: tuple[str, ...]) -> list[ContentProblem]:
    """Return a problem for each placeholder of the templates of ``kinds`` still in
    ``text`` (a page, a bank or a register, named ``shown``)."""
    if "【" not in text:  # most pages: no search through them
        return []
    return [ContentProblem(shown, text.count("\n", 0, found.start()) + 1,
                           f"a placeholder from `qinglian new` is still here: {found.group()}",
                           "write the text it asks for in its place")
            for found in _placeholders(kinds).finditer(text)]


@cache
def _placeholders(kinds: tuple[str, ...]) -> re.Pattern:
    """The placeholders the templates of ``kinds`` write: only these are named as left
    over, as trainers also write 【案例】 or 【要点】 on purpose."""
    return re.compile("|".join(sorted({re.escape(found) for kind in kinds
                                       for found in re.findall(r"【[^】\n]*】",
                                                               TEMPLATES[kind].text)})))
