"""Questions as spreadsheet rows: our layout, and the notations trainers' files use.

One row per question under the header ID, 题型, 题干, 选项A … 选项H, 答案,
解析, 准则, 难度, 课程. Reading also takes what exam platforms (考试宝,
超星学习通 and the like) export: other names for each column, 题型 with or
without 题, 判断 answers as 对/错, √/×, T/F or a letter naming a 对/错 option,
多选 answers as ACD, A,C,D, A、C、D or ＡＣＤ, fill-blank alternatives split at
| or ｜. Writing uses one notation of each, which reading turns back into the
same question: that is what makes export → import exact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..common.yamlio import CONTROL
from .loader import ID
from .models import LETTERS, Question

OPTIONS = tuple(f"选项{letter}" for letter in LETTERS)
# Each field's column headings, ours first (compared as tables.normalise_header does)
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("ID", "题目ID"),
    "type": ("题型", "题目类型", "试题类型"),
    "stem": ("题干", "题目", "试题", "题目内容", "试题内容"),
    "answer": ("答案", "正确答案", "参考答案", "标准答案"),
    "explanation": ("解析", "答案解析", "试题解析", "题目解析"),
    "standards": ("准则", "知识点", "章节"),
    "difficulty": ("难度", "难易度", "难易程度"),
    "lesson": ("课程",),
    # An option is read from 选项A, A选项 or a column headed just A
    **{name: (name, f"{letter}选项", letter) for name, letter in zip(OPTIONS, LETTERS)},
}
REQUIRED = ("type", "stem", "answer")
HEADER = ("ID", "题型", "题干", *OPTIONS, "答案", "解析", "准则", "难度", "课程")

TYPE_LABELS = {"single": "单选题", "multiple": "多选题", "true_false": "判断题",
               "fill_blank": "填空题"}
DIFFICULTY_LABELS = {"easy": "容易", "medium": "中等", "hard": "较难"}
TRUE_FALSE_LABELS = {True: "对", False: "错"}

# Names as written in 题型 (after "题" is taken off the end)
_TYPES = {
    "单选": "single", "单项选择": "single", "单选择": "single", "single": "single",
    "多选": "multiple", "多项选择": "multiple", "不定项选择": "multiple", "不定项": "multiple",
    "multiple": "multiple",
    "判断": "true_false", "是非": "true_false", "对错": "true_false", "true_false": "true_false",
    "填空": "fill_blank", "fill_blank": "fill_blank",
}
_DIFFICULTIES = {
    "易": "easy", "容易": "easy", "简单": "easy", "较易": "easy", "低": "easy", "easy": "easy",
    "中": "medium", "中等": "medium", "一般": "medium", "适中": "medium", "medium": "medium",
    "难": "hard", "较难": "hard", "困难": "hard", "高": "hard", "hard": "hard",
}
_TRUE = {"对", "正确", "√", "✓", "✔", "T", "TRUE", "是", "Y", "YES"}
_FALSE = {"错", "错误", "×", "✗", "✘", "X", "F", "FALSE", "否", "N", "NO"}
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Between letters (ACD, A,C,D, A、C、D) and between standards (1、3, 1 和 3)
_LETTER_SEPARATORS = re.compile(r"[\s,;、/]+")
_STANDARD_SEPARATORS = re.compile(r"[\s,;、/和及]+")
_ALTERNATIVES = re.compile(r"[|｜]")
# An option written with its letter in front, as pasted from a paper: "A.统方", "B、按劳取酬"
_LETTERED = re.compile(r"([A-H])\s*[.、:)]\s*(\S.*)", re.DOTALL)
# What Excel saves in place of a value whose formula failed (a VLOOKUP that found nothing)
_FORMULA_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                   "#CALC!"}
# What CSV export puts before = + - @ so Excel does not run the cell as a formula
_NEUTRALISED = re.compile(r"^'(?=[=+\-@])")


@dataclass(frozen=True)
class Defaults:
    """What ``--standard``, ``--difficulty`` and a sheet named for a type (单选题) give rows
    that leave the column empty."""

    standards: tuple[int, ...] | None = None
    difficulty: str | None = None
    type: str | None = None


class NotationError(ValueError):
    """A value written in none of the accepted notations; the message says which are."""


def parse_type(text: str) -> str:
    """Return the question type 题型 names: 单选题, 单选, 多项选择题, 判断 …"""
    key = _fold(text).lower().removesuffix("题")
    if key not in _TYPES:
        raise NotationError(f'题型 "{text}" is not one of 单选、多选、判断、填空')
    return _TYPES[key]


def parse_difficulty(text: str) -> str:
    """Return easy, medium or hard for 易/容易/简单, 中/中等/一般, 难/较难/困难 (or English)."""
    key = _fold(text).lower()
    if key not in _DIFFICULTIES:
        raise NotationError(f'难度 "{text}" is not one of 容易、中等、较难 (or 易、中、难, '
                            "简单、一般、困难, easy、medium、hard)")
    return _DIFFICULTIES[key]


def parse_standards(text: str, column: str = "准则") -> tuple[int, ...]:
    """Return the standard numbers in ``1``, ``1、3``, ``1,3``, ``第一条``, ``准则三``."""
    numbers: list[int] = []
    for token in filter(None, _STANDARD_SEPARATORS.split(_fold(text))):
        core = token.removeprefix("准则").removeprefix("第").removesuffix("条")
        number = _NUMERALS.get(core) or (int(core) if core.isdigit() else 0)
        if not 1 <= number <= 9:
            raise NotationError(f'{column} "{text}" is not a standard number 1–9; write e.g. '
                                "1, 1、3 or 第一条")
        if number not in numbers:
            numbers.append(number)
    if not numbers:
        raise NotationError(f"{column} is empty")
    return tuple(numbers)


def read_row(cells: dict[str, str], columns: dict[str, str],
             defaults: Defaults) -> tuple[dict | None, list[str]]:
    """Turn one row into a bank entry (``None`` for a row with no question in it) and the
    problems that keep it out (each a message without the file and row).

    ``columns`` maps a field (and each 选项X) to the normalised heading it is read from.
    """
    values = {field: _NEUTRALISED.sub("", cells.get(column, "")).strip()
              for field, column in columns.items()}
    options = [values.get(name, "") for name in OPTIONS]
    if not any([*options, *(values.get(field) for field in ("type", "stem", "answer",
                                                               "explanation"))]):
        return None, []  # a numbered but unused template row (序号 only)
    problems: list[str] = []
    # A control character (NUL, a bell, an escape) is invisible in Excel and breaks pages
    for column, text in cells.items():
        bad = next((char for char in text if CONTROL.match(char)), None)
        if bad:
            problems.append(f"the {column} cell holds the control character U+{ord(bad):04X}; "
                            "delete it (retype the cell)")
    for column in columns.values():
        if cells.get(column, "").strip() in _FORMULA_ERRORS:
            problems.append(f"the {column} cell shows {cells[column].strip()}: its formula "
                            "failed; correct the formula, or type the value in")

    def attempt(parse, *args):
        try:
            return parse(*args)
        except NotationError as error:
            problems.append(str(error))
            return None

    entry: dict = {}
    entry_id = values.get("id")
    if entry_id:
        if ID.fullmatch(entry_id):
            entry["id"] = entry_id
        else:
            problems.append(f'ID "{entry_id}" may hold only a-z, 0-9 and - (e.g. s1-001); '
                            "clear it to have one made")
    if values.get("type"):
        kind = attempt(parse_type, values["type"])
    else:
        kind = defaults.type
        if not kind:
            problems.append("题型 is empty; write 单选、多选、判断 or 填空")
    entry["type"] = kind
    entry["stem"] = values.get("stem")
    if not entry["stem"]:
        problems.append("题干 is empty")
    while options and not options[-1]:
        options.pop()
    options = _without_letters(options)
    if kind in ("single", "multiple"):
        if "" in options:
            problems.append(f"选项{LETTERS[options.index('')]} is empty but a later option is "
                            "not; fill the options in from 选项A without gaps")
        elif len(options) < 2:
            problems.append(f"a {TYPE_LABELS[kind]} needs at least two options (选项A, 选项B …)")
        else:
            entry["options"] = options
    elif kind == "fill_blank" and options:
        problems.append(f"a 填空题 has no options; clear 选项A–选项{LETTERS[len(options) - 1]} "
                        "or change 题型")
    answer = values.get("answer")
    if not answer:
        problems.append("答案 is empty")
    elif kind == "true_false":
        entry["answer"] = attempt(_true_false, answer, options)
    elif kind == "fill_blank":
        entry["answer"] = attempt(_alternatives, answer)
    elif "options" in entry:
        entry["answer"] = attempt(_letters, answer, kind, len(options))
    entry["explanation"] = values.get("explanation")
    if not entry["explanation"]:
        problems.append("解析 is empty; every question needs one (it is shown after answering)")
    label = columns.get("standards", "准则")
    if values.get("standards"):
        standards = attempt(parse_standards, values["standards"], label)
        entry["standards"] = list(standards or ())
    elif defaults.standards:
        entry["standards"] = list(defaults.standards)
    else:
        problems.append(f"{label} is empty; fill it in (1–9) or give --standard N")
    if values.get("difficulty"):
        entry["difficulty"] = attempt(parse_difficulty, values["difficulty"])
    elif defaults.difficulty:
        entry["difficulty"] = defaults.difficulty
    else:
        problems.append("难度 is empty; fill it in (容易、中等、较难) or give --difficulty D")
    if values.get("lesson"):
        entry["lesson"] = values["lesson"]
    return (None if problems else entry), problems


def row_of(question: Question) -> list[str]:
    """Return ``question`` as a row under HEADER, in the notation ``read_row`` reads back.

    Raises NotationError when an accepted answer holds | or ｜, which would split it.
    """
    if question.type == "single":
        answer = LETTERS[question.answer[0]]
    elif question.type == "multiple":
        answer = "".join(LETTERS[index] for index in question.answer)
    elif question.type == "true_false":
        answer = TRUE_FALSE_LABELS[question.answer[0]]
    else:
        if any(_ALTERNATIVES.search(text) for text in question.answer):
            raise NotationError(f"question '{question.id}' ({question.where}): an accepted "
                                "answer holds |, which a sheet reads as two answers; reword it")
        answer = "|".join(question.answer)
    options = list(question.options) + [""] * (len(LETTERS) - len(question.options))
    return [question.id, TYPE_LABELS[question.type], question.stem, *options, answer,
            question.explanation, "、".join(map(str, question.standards)),
            DIFFICULTY_LABELS[question.difficulty], question.lesson or ""]


# -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Full-width folded, without spaces: "Ａ Ｃ" reads "AC", "单选 题" reads "单选题"."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _without_letters(options: list[str]) -> list[str]:
    """Return ``options`` without the letters in front when every one starts with its own
    (A.甲, B.乙); the site puts its letters there, and shuffles the options."""
    matches = [_LETTERED.fullmatch(unicodedata.normalize("NFKC", option[:2]).upper()
                                   + option[2:]) for option in options]
    if len(options) < 2 or not all(match and match[1] == LETTERS[index]
                                   for index, match in enumerate(matches)):
        return options
    return [match[2] for match in matches]


def _letters(text: str, kind: str, count: int) -> str | list[str]:
    letters = [letter for letter in _LETTER_SEPARATORS.sub("", unicodedata.normalize(
        "NFKC", text)).upper()]
    last = LETTERS[count - 1]
    for letter in letters:
        if letter not in LETTERS:
            raise NotationError(f'答案 "{text}" is not option letters such as '
                                + ("B" if kind == "single" else "ACD"))
        if letter not in LETTERS[:count]:
            raise NotationError(f'答案 "{text}" is not among 选项A–{last}')
    if len(set(letters)) != len(letters):
        raise NotationError(f'答案 "{text}" names an option twice')
    if kind == "single":
        if len(letters) != 1:
            raise NotationError(f'答案 "{text}" names {len(letters)} options; a 单选题 has one '
                                "(or make it a 多选题)")
        return letters[0]
    return sorted(letters)


def _true_false(text: str, options: list[str]) -> bool:
    key = _fold(text).upper()
    if key in _TRUE or key in _FALSE:
        return key in _TRUE
    index = LETTERS.find(key) if len(key) == 1 else -1
    if 0 <= index < len(options):
        option = _fold(options[index]).upper()
        if option in _TRUE or option in _FALSE:
            return option in _TRUE
        raise NotationError(f'答案 "{text}" names 选项{key} "{options[index]}", which is not '
                            "对 or 错")
    raise NotationError(f'答案 "{text}" of a 判断题 is not 对/错, 正确/错误, √/×, T/F or the '
                        "letter of a 对/错 option")


def _alternatives(text: str) -> list[str]:
    answers = []
    for part in _ALTERNATIVES.split(text):
        if part.strip() and part.strip() not in answers:
            answers.append(part.strip())
    if not answers:
        raise NotationError(f'答案 "{text}" holds no answer between the | signs')
    return answers
