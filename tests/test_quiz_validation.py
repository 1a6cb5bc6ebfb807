"""Every mistake a trainer can make in banks and quizzes: file, line, what, how to fix."""

import datetime
import json
import os
import textwrap
from html import unescape
from pathlib import Path

import pytest
import yaml

from qinglian.check import check_site
from qinglian.common import cachefiles, yamlio
from qinglian.common.fences import Fence, fence_id, find_fences
from qinglian.quiz.fence import resolve_fence
from qinglian.quiz import loader, render
from qinglian.quiz.loader import load_library
from qinglian.quiz.render import QuizBlocks

GOOD_QUESTION = """\
  - id: s1-001
    type: single
    stem: 下列做法正确的是？
    options: [甲, 乙, 丙]
    answer: B
    explanation: 因为乙。
    standards: [1]
    difficulty: easy
"""
GOOD_BANK = "questions:\n" + GOOD_QUESTION
GOOD_QUIZ = "title: 测验\nmode: practice\nquestions: [s1-001]\npass_mark: 60\n"


# The pages the questions of GOOD_BANK name
LESSONS = frozenset({"lessons/standard-1.md"})


def load(tmp_path, banks=None, quizzes=None, lessons=LESSONS):
    """Write banks and quizzes into tmp_path/quizzes and load them."""
    folder = tmp_path / "quizzes"
    (folder / "banks").mkdir(parents=True)
    for name, text in (banks or {"a.yml": GOOD_BANK}).items():
        path = folder / "banks" / name
        path.parent.mkdir(exist_ok=True)  # a bank filed in a sub-folder
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    for name, text in (quizzes or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_library(folder, "quizzes", lessons)


def only_problem(library) -> str:
    assert len(library.problems) == 1, [str(p) for p in library.problems]
    return str(library.problems[0])


def bank_with(**changes) -> str:
    """GOOD_BANK with keys (not id) moved to the end with a new value, or removed (None)."""
    lines = [line for line in GOOD_QUESTION.splitlines()
             if line.strip().lstrip("- ").split(":")[0] not in changes]
    for key, value in changes.items():
        if value is not None:
            lines.append(f"    {key}: {value}")
    return "questions:\n" + "\n".join(lines) + "\n"


def test_good_bank_and_quiz_load(tmp_path):
    """Control: a correct bank and quiz give no problem."""
    library = load(tmp_path, quizzes={"q.yml": GOOD_QUIZ})
    assert library.problems == []
    assert library.questions["s1-001"].answer == (1,)
    assert "q" in library.quizzes


@pytest.mark.parametrize("bank, line, message", [
    # bank text, line reported, what the message says
    ("questions:\n  - id: s1-001\n   type: single\n", 3, "invalid YAML"),
    # A quote left open is found unclosed at the end of the file: named where it opens
    (GOOD_BANK.replace("stem: 下列", "stem: '下列"), 4, "while scanning a quoted scalar"),
    (bank_with(stems="x"), 10, "unknown key 'stems' (did you mean 'stem'?)"),
    (bank_with(explanation=None), 2, "missing 'explanation'"),
    (bank_with(standards=None), 2, "missing 'standards' — add 'standards: [1, 3]' to this entry"),
    (bank_with(difficulty=None), 2, "missing 'difficulty' — add 'difficulty: easy', "
                                    "'difficulty: medium' or 'difficulty: hard' to this entry"),
    (bank_with(standards="1"), 9, "'standards' must be a non-empty list"),
    (bank_with(stem="[a, b]"), 9, "'stem' must be non-empty text"),
    (bank_with(answer="E"), 9, "answer 'E' is not among the options A–C"),
    (bank_with(answer="D"), 9, "answer 'D' is not among the options A–C"),
    (bank_with(type="multiple", answer="[A, C, A]"), 9, "the answer names an option twice"),
    (bank_with(type="multiple", options="[甲]", answer="[A]"), 8,
     "a multiple question needs at least two options"),
    (bank_with(type="true_false", answer="true"), 4, "a true_false question has no options"),
    (bank_with(type="fill_blank", options=None, answer="[]"), 8,
     "a fill_blank question needs a list of accepted answers"),
    (bank_with(standards="[0, 10]"), 9, "standard '0' is not one of the nine (1–9)"),
    # YAML reads yes as true, which Python takes for 1: not standard 1
    (bank_with(standards="[yes]"), 9, "standard 'True' is not one of the nine (1–9)"),
    (bank_with(difficulty="hardest"), 9, "unknown difficulty 'hardest' (did you mean 'hard'?)"),
    (bank_with(type="singel"), 9, "unknown type 'singel' (did you mean 'single'?)"),
    (bank_with(lesson="lessons/standard-9.md"), 10, "lesson 'lessons/standard-9.md' does not exist"),
    (GOOD_BANK.replace("s1-001", "S1_001"), 2, "id 'S1_001' may hold only a-z, 0-9 and -"),
    (bank_with(options="[a, b, c, d, e, f, g, h, i]"), 9, "9 option(s); a single question needs 2 to 8"),
    (bank_with(options="[甲]", answer="A"), 8, "1 option(s); a single question needs 2 to 8"),
    (bank_with(type="multiple", answer="B"), 9, "answer 'B' is not a list of letters"),
    (bank_with(type="true_false", options=None, answer="对"), 8, "answer '对' is not true or false"),
    # YAML's yes/no words are not text: shown as True/False, accepted as "True"
    (bank_with(options="[Yes, No, 不确定]"), 9, "Yes, No, On, Off, true or false written plainly"),
    (bank_with(type="fill_blank", options=None, answer="[no]"), 8,
     "Yes, No, On, Off, true or false written plainly"),
    ("questions: []\n", 1, "the bank is empty"),
    ("questions:\n", 1, "the bank is empty"),
    ("items: []\n", 1, "the bank has no 'questions' list"),
    # A misspelt exam_only would put exam questions on practice pages unnoticed
    ("exam_onyl: true\n" + GOOD_BANK, 1, "unknown key 'exam_onyl' (did you mean 'exam_only'?)"),
    ("exam_only: 是\n" + GOOD_BANK, 1, "'exam_only' is '是', not true or false"),
    ("questions:\n  - just text\n", 2, "expected a mapping"),
])
def test_bank_mistakes(tmp_path, bank, line, message):
    """Each bank mistake is one problem naming file and line, with a fix."""
    problem = only_problem(load(tmp_path, banks={"a.yml": bank}))
    assert problem.startswith(f"quizzes/banks/a.yml:{line}: ")
    assert message in problem
    assert " — " in problem  # every message says how to fix it


def test_answer_letters_are_kept_in_option_order(tmp_path):
    """Letters in any order or case name the same options: the exam page's digest is made
    from them in option order ("0,2"), as the browser writes a person's choice."""
    library = load(tmp_path, banks={"a.yml": bank_with(type="multiple", answer="[C, a]")})
    assert library.problems == []
    assert library.questions["s1-001"].answer == (0, 2)
    assert render.canonical_answers(library.questions["s1-001"]) == ["0,2"]


def test_exam_digests_are_made_of_fill_blank_answers_folded_as_the_browser_folds_them(tmp_path):
    """An accepted answer written with capitals, full-width letters or spaces (HIS 系统, ＣＴ)
    is hashed as the browser folds what a person types: else it is never marked right."""
    bank = bank_with(type="fill_blank", options=None, answer="[' HIS 系统', ＣＴ]")
    library = load(tmp_path, banks={"a.yml": bank})
    assert library.problems == []
    assert render.canonical_answers(library.questions["s1-001"]) == ["ct", "his系统"]


@pytest.mark.parametrize("key, line", [("explanation", 7), ("difficulty", 9)])
def test_full_width_colon_is_named_on_its_line(tmp_path, key, line):
    """A key typed with the Chinese colon is reported on its own line (PyYAML notices only
    at the next one), with the fix spelt out; a key missing its space gets no such hint."""
    wide = GOOD_BANK.replace(f"{key}: ", f"{key}：")
    assert only_problem(load(tmp_path / "wide", banks={"a.yml": wide})) == (
        f"quizzes/banks/a.yml:{line}: invalid YAML: while scanning a simple key could not find "
        "expected ':' — write ':' (half-width) and a space instead of '：' after the key")
    tight = GOOD_BANK.replace(f"{key}: ", f"{key}:")
    problem = only_problem(load(tmp_path / "tight", banks={"a.yml": tight}))
    assert problem.startswith(f"quizzes/banks/a.yml:{line}: invalid YAML") and "'：'" not in problem


def test_times_and_leading_zeros_are_read_as_written():
    """YAML 1.1 reads 7:30 as base 60 (450) and 010 as octal (8); our loader keeps them
    as the text written, and PyYAML's own loaders (MkDocs' mkdocs.yml) are unchanged.
    Other numbers, booleans and dates read as before."""
    text = ("[7:30, 8:00, '9:00', 1:30.5, 010, -010, 00, 0, 1, -2, +3, 1_000, 0.5, 1.5e+3, 0x1F, "
            "true, 2026-01-01]")
    loaded = yamlio.load_yaml(text, "x.yml")
    assert loaded[:8] == ["7:30", "8:00", "9:00", "1:30.5", "010", "-010", "00", 0]
    assert loaded[8:] == yaml.safe_load(text)[8:] == [1, -2, 3, 1000, 0.5, 1500.0, 31, True,
                                                       datetime.date(2026, 1, 1)]
    assert yaml.safe_load("7:30") == 450 and yaml.safe_load("010") == 8


@pytest.mark.parametrize("options, shown_options, answer, pass_mark", [
    # YAML 1.1 reads 7:30, 8:00 … as 450, 480 … and 010 as 8
    ("[7:30, 8:00, 8:30, 9:00]", ["7:30", "8:00", "8:30", "9:00"], "010", "60"),
    # Doses, versions: 1.10 and 2.50 would show as 1.1 and 2.5, +3 as 3, 1_000 as 1000
    ("[1.10, 2.50, 0.5, +3]", ["1.10", "2.50", "0.5", "+3"], "1_000", "60.0"),
])
def test_a_bank_shows_values_as_written(tmp_path, options, shown_options, answer, pass_mark):
    """Options and a fill-blank answer are shown and accepted as written; pass_mark is
    still a number."""
    question = GOOD_QUESTION.replace("[甲, 乙, 丙]", options)
    fill = (f"  - id: s1-002\n    type: fill_blank\n    stem: 院内举报电话分机号是____。\n"
            f"    answer: [{answer}]\n    explanation: 见制度。\n    standards: [1]\n"
            "    difficulty: easy\n")
    quiz = f"title: 测验\nmode: practice\nquestions: [s1-001, s1-002]\npass_mark: {pass_mark}\n"
    library = load(tmp_path, banks={"a.yml": "questions:\n" + question + fill},
                   quizzes={"q.yml": quiz})
    assert library.problems == []
    assert library.quizzes["q"].pass_mark == 60
    shown = json.loads(unescape(QuizBlocks(library, None)["q"].data))["questions"]
    assert shown["s1-001"]["options"] == shown_options
    assert shown["s1-002"]["answer"] == [answer]


def test_numbers_keep_their_text_through_the_cache(tmp_path):
    """Read again from the build cache, numbers keep the text they were written as."""
    cache = yamlio.YamlCache(tmp_path / "cache")
    (tmp_path / "cache").mkdir()
    for _ in range(2):
        assert [str(x) for x in cache.load("[1.10, 1_000, 7]", "x.yml")] == ["1.10", "1_000", "7"]


def test_cache_keeps_one_parsed_copy_per_file(tmp_path):
    """Saving a bank again and again (live preview) does not fill the build cache:
    the parsed copies of its earlier texts are dropped, and the current ones reused."""
    cache = tmp_path / "cache"
    folder = tmp_path / "quizzes"
    load(tmp_path, quizzes={"q.yml": GOOD_QUIZ})
    for stem in ("下列做法正确的是？", "下列做法中正确的是？", "哪种做法正确？"):
        (folder / "banks" / "a.yml").write_text(GOOD_BANK.replace("下列做法正确的是？", stem),
                                                encoding="utf-8")
        library = load_library(folder, "quizzes", LESSONS, cache)
        assert library.problems == [] and stem in library.questions["s1-001"].stem
        assert len(list(cache.glob("*.pickle"))) == 2  # the bank and the quiz
    kept = {file: file.stat().st_mtime_ns for file in cache.glob("*.pickle")}
    (cache / "library.bin").unlink()  # validate again: the parsed copies are read, not made
    load_library(folder, "quizzes", LESSONS, cache)
    assert {file: file.stat().st_mtime_ns for file in cache.glob("*.pickle")} == kept


def test_not_utf8(tmp_path):
    """A bank saved in GBK is named, with the line of the first bad byte."""
    bank = GOOD_BANK.replace("下列做法正确的是？", "正确").encode("gbk")
    problem = only_problem(load(tmp_path, banks={"a.yml": bank}))
    assert problem.startswith("quizzes/banks/a.yml:4: the file is not UTF-8 text")


def test_duplicate_id_across_files(tmp_path):
    """The same id in two banks names both places."""
    problem = only_problem(load(tmp_path, banks={"a.yml": GOOD_BANK, "b.yml": GOOD_BANK}))
    assert problem.startswith("quizzes/banks/b.yml:2: duplicate question id 's1-001' "
                              "(first at quizzes/banks/a.yml:2)")


@pytest.mark.parametrize("quiz, line, message", [
    ("title: 测验\nmode: practice\nquestions: [s1-001]\npass_mark: 60\nshuffle: false\n", 5,
     "unknown key 'shuffle' (did you mean 'shuffle_options'?)"),
    ("mode: practice\nquestions: [s1-001]\npass_mark: 60\n", 1, "missing 'title'"),
    # a missing key's fix gives a value to write
    ("title: 测验\nmode: exam\nquestions: [s1-001]\n", 1,
     "missing 'pass_mark' — add 'pass_mark: 80' to this entry"),
    ("title: 测验\nquestions: [s1-001]\npass_mark: 60\n", 1,
     "missing 'mode' — add 'mode: practice' or 'mode: exam' to this entry"),
    ("title: 测验\nmode: test\nquestions: [s1-001]\npass_mark: 60\n", 2, "unknown mode 'test'"),
    ("title: 测验\nmode: exam\nquestions: [s1-001]\npass_mark: 160\n", 4,
     "'pass_mark' is 160, not a number from 0 to 100"),
    ("title: 测验\nmode: exam\nquestions: [s1-001]\npass_mark: 60\nmax_attempts: 0\n", 5,
     "'max_attempts' is 0, not a whole number of 1 or more"),
    ("title: 测验\nmode: exam\nquestions: [s1-001]\npass_mark: 60\ntime_limit: 0\n", 5,
     "'time_limit' is 0"),
    ("title: 测验\nmode: exam\nquestions: [s1-002]\npass_mark: 60\n", 3,
     "unknown question id 's1-002' (did you mean 's1-001'?)"),
    ("title: 测验\nmode: exam\nquestions: [s1-001, s1-001]\npass_mark: 60\n", 3,
     "question 's1-001' is listed twice (first at position 1) — list each question once"),
    ("title: 测验\nmode: exam\npass_mark: 60\nquestions:\n  - s1-001\n  - s1-001\n", 6,
     "question 's1-001' is listed twice (first at position 1)"),
    ("title: 测验\nmode: exam\npass_mark: 60\n", 1, "a quiz needs either 'draw' or 'questions'"),
    ("title: 测验\nmode: exam\npass_mark: 60\ndraw:\n  - standards: [1]\n    count: 2\n", 6,
     "the rule asks for 2 questions but only 1 match standards [1]"),
    ("title: 测验\nmode: exam\npass_mark: 60\ndraw:\n  - count: 1\n    number: 1\n", 6,
     "unknown key 'number'"),
    ("title: 测验\nmode: exam\npass_mark: 60\ndraw:\n  - difficulty: [easy, simple]\n    count: 1\n",
     5, "unknown difficulty 'simple'"),
])
def test_quiz_mistakes(tmp_path, quiz, line, message):
    """Each quiz-definition mistake is one problem naming file and line; the quiz is left out."""
    library = load(tmp_path, quizzes={"q.yml": quiz})
    problem = only_problem(library)
    assert problem.startswith(f"quizzes/q.yml:{line}: ")
    assert message in problem
    assert "q" not in library.quizzes and "q" in library.broken


def test_quiz_listing_a_broken_question_names_its_bank(tmp_path):
    """A quiz listing a question left out for its errors says so, and offers no other id."""
    library = load(tmp_path, banks={"a.yml": bank_with(difficulty="eazy"),
                                    "b.yml": GOOD_BANK.replace("s1-001", "s1-002")},
                   quizzes={"q.yml": GOOD_QUIZ})
    assert [str(problem) for problem in library.problems] == [
        "quizzes/banks/a.yml:9: unknown difficulty 'eazy' (did you mean 'easy'?) — use one of "
        "easy, medium, hard",
        "quizzes/q.yml:3: question 's1-001' is left out because it has errors in "
        "quizzes/banks/a.yml — fix the errors reported for it there"]
    assert "q" in library.broken


def test_quiz_short_of_a_bank_that_could_not_be_read_says_so(tmp_path):
    """A bank with broken YAML gives no question; a quiz drawing from it or listing one of
    its ids said only "only 0 match" or "unknown id, did you mean" another bank's."""
    broken = GOOD_BANK.replace("s1-001", "s1-002").replace("options: [甲, 乙, 丙]", "options: [甲, 乙")
    library = load(tmp_path, banks={"a.yml": GOOD_BANK, "b.yml": broken},
                   quizzes={"listed.yml": GOOD_QUIZ.replace("[s1-001]", "[s1-001, s1-002]"),
                            "drawn.yml": drawing("standards: [1], count: 2")})
    problems = [str(problem) for problem in library.problems]
    assert problems[0].startswith("quizzes/banks/b.yml:")
    assert ("quizzes/drawn.yml:6: the rule asks for 2 questions but only 1 match standards [1] "
            "and difficulty ['easy', 'medium', 'hard']; quizzes/banks/b.yml gave no question for "
            "its errors, which may be why — fix the errors reported for that file first, or "
            "lower 'count'") in problems[1]
    assert problems[2] == (
        "quizzes/listed.yml:3: unknown question id 's1-002'; quizzes/banks/b.yml gave no "
        "question for its errors, which may be why — fix the errors reported for that file "
        "first, or use the id of a question in quizzes/banks/")
    assert len(problems) == 3 and library.quizzes == {}


# Four questions on standard 1, two easy and two hard
FOUR = "questions:\n" + "".join(
    GOOD_QUESTION.replace("s1-001", f"s1-00{n}").replace("easy", difficulty)
    for n, difficulty in enumerate(["easy", "easy", "hard", "hard"], 1))


def drawing(*rules: str) -> str:
    return "title: 测验\nmode: exam\npass_mark: 60\ndraw:\n" + "".join(
        f"  - {rule.replace(', ', chr(10) + '    ')}\n" for rule in rules)


@pytest.mark.parametrize("rules", [
    ("difficulty: [easy], count: 2", "difficulty: [hard], count: 2"),  # no overlap
    ("difficulty: [hard], count: 1", "standards: [1], count: 3"),  # 4 − 1 left for 3
    ("standards: [2], count: 1", "standards: [1], count: 4"),  # shares nothing
])
def test_draw_rules_that_can_always_draw_their_count_pass(tmp_path, rules):
    banks = {"a.yml": FOUR, "b.yml": "questions:\n" + GOOD_QUESTION.replace("s1-001", "s2-001")
             .replace("standards: [1]", "standards: [2]")}
    library = load(tmp_path, banks=banks, quizzes={"q.yml": drawing(*rules)})
    assert library.problems == [] and "q" in library.quizzes


@pytest.mark.parametrize("rules, line, message", [
    # The browser draws rule by rule without what earlier rules took: rule 1 may take
    # both easy questions, leaving rule 2 none (a paper of 3, not 4)
    (("standards: [1], count: 3", "standards: [1], difficulty: [easy], count: 2"), 9,
     "the rule asks for 2 questions but shares questions with rule 1 (line 5), drawn first: "
     "of the 2 it matches, 2 may be taken already, leaving 0 — narrow the rules so they "
     "share no questions"),
    (("difficulty: [easy], count: 1", "difficulty: [hard], count: 1", "standards: [1], count: 3"),
     10, "shares questions with rule 1 (line 5), rule 2 (line 7), drawn first: of the 4 it "
     "matches, 2 may be taken already, leaving 2"),
])
def test_draw_rules_whose_earlier_rules_may_take_their_questions(tmp_path, rules, line, message):
    library = load(tmp_path, banks={"a.yml": FOUR}, quizzes={"q.yml": drawing(*rules)})
    problem = only_problem(library)
    assert problem.startswith(f"quizzes/q.yml:{line}: ") and message in problem
    assert "q" in library.broken


def test_quiz_file_name_must_be_an_id(tmp_path):
    """The file name is the quiz id, so it follows the id rules."""
    problem = only_problem(load(tmp_path, quizzes={"Quiz One.yml": GOOD_QUIZ}))
    assert "quiz id 'Quiz One' (the file name) may hold only a-z, 0-9 and -" in problem


def fence(body: str, start: int = 10) -> Fence:
    return Fence("quiz", start, start + body.count("\n") + 2, "", body)


@pytest.mark.parametrize("body, line, message", [
    # fence body, file line reported (the fence opens on line 10), message
    ("id: onbording", 11, "unknown quiz id 'onbording' (did you mean 'onboarding'?)"),
    ("", 11, "the quiz block does not say which quiz to show"),
    ("id: onboarding\nmode: exam", 12, "unknown key 'mode' in the quiz block"),
    ("id: [", 11, "the quiz block is not valid YAML"),
    ("id: broken", 11, "quiz 'broken' is left out because quizzes/broken.yml has errors"),
])
def test_quiz_block_mistakes(tmp_path, body, line, message):
    """A page's quiz block naming no valid quiz is reported at the page's own line."""
    library = load(tmp_path, quizzes={"onboarding.yml": GOOD_QUIZ, "broken.yml": "title: x\n"})
    quiz_id, problem = resolve_fence(fence(body), "content/page.md", library)
    assert quiz_id is None
    assert str(problem).startswith(f"content/page.md:{line}: ")
    assert message in str(problem)


def test_fence_scanner_respects_longer_fences_and_indentation():
    """A quiz example inside a ````-fence stays code; one inside an admonition is found."""
    markdown = textwrap.dedent("""\
        ````markdown
        ```quiz
        id: example
        ```
        ````

        !!! tip "自测"
            ```quiz
            id: real
            ```
        """)
    fences = find_fences(markdown, {"quiz"}, first_line=4)
    assert [(f.start, f.end, f.body, f.indent) for f in fences] == [(11, 13, "id: real", "    ")]


# What stands above a quiz block, and whether Markdown (with the site's extensions)
# then shows the block as an indented code block: checked against real builds
_ABOVE_AND_CODE = [
    ("文字。\n\n", "  ", False),
    ("文字。\n\n", "    ", True),
    ("文字。\n\n", "\t", True),
    ("", "    ", True),
    ("文字。\n", "    ", True),  # not even a blank line: still not a block of its own
    ("!!! note\n\n", "    ", False),
    ("!!! note\n\t说明。\n\n", "\t", False),
    ("!!! note\n    说明。\n\n", "        ", True),
    ("!!! note\n\n    - 条目\n\n", "        ", False),
    ("!!! note\n    说明。\n\n正文。\n\n", "    ", True),
    ('??? note "详情"\n\n', "    ", False),
    ('=== "甲"\n\n', "    ", False),
    ("- 条目\n\n", "    ", False),
    ("- 条目\n\n", "        ", True),
    ("- 条目\n\n    段落。\n\n", "        ", True),
    ("1. 条目\n\n", "   ", False),
    ("术语\n:   释义。\n\n", "    ", False),
    ("  !!! note\n\n", "      ", True),  # an indented "!!!" is text, not an admonition
    ("    !!! note\n\n", "    ", True),  # … and from 4 columns on it is code itself
    ("正文[^1]。\n\n[^1]: 注释。\n", "    ", False),
]


@pytest.mark.parametrize("above, indent, code", _ABOVE_AND_CODE)
def test_a_block_markdown_shows_as_code_is_refused_by_name(above, indent, code):
    """A block indented 4 or more columns past the text it belongs to is an indented
    code block to Markdown: found, and refused at its opening line with how to fix it;
    the same block inside an admonition, a tab or a list item is shown."""
    markdown = f"# 题\n\n{above}" + "".join(f"{indent}{line}\n" for line in
                                              ("```quiz", "id: practice", "```"))
    (fence,) = find_fences(markdown, {"quiz"})
    quiz_id, line, problem = fence_id(fence, "content/lessons/a.md")
    if not code:
        assert (quiz_id, problem) == ("practice", None)
        return
    assert (quiz_id, line) == (None, fence.start) and fence.start == markdown.count("\n") - 2
    assert str(problem) == (
        f"content/lessons/a.md:{line}: the quiz block is indented 4 or more spaces past the "
        "text it belongs to, so Markdown shows it as code — indent the ```quiz line and the "
        "lines after it as much as that text (at the top of a page: not at all)")


def test_a_block_inside_a_quote_is_refused_by_name():
    """Markdown would show a quiz inside a quote (>) as code there: the block is found,
    its quote marks taken off, and refused at its opening line; a quoted fence closes
    only the block it opened, and "> ```" lines inside a ```-example stay code."""
    markdown = textwrap.dedent("""\
        ```markdown
        > ```quiz
        > id: example
        > ```
        ```

        > 自测：
        >
        > > ```quiz
        > > id: standard-1-practice
        > > ```

        ```quiz
        id: after
        ```
        """)
    fences = find_fences(markdown, {"quiz"})
    assert [(f.start, f.end, f.indent, f.body) for f in fences] == [
        (9, 11, "> > ", "id: standard-1-practice"), (13, 15, "", "id: after")]
    quiz_id, line, problem = fence_id(fences[0], "content/lessons/a.md")
    assert (quiz_id, line) == (None, 9)
    assert str(problem) == ("content/lessons/a.md:9: the quiz block stands inside a quote (>), "
                            "where it cannot be shown — start the ```quiz line and the lines "
                            "after it without '>'")
    assert fence_id(fences[1], "content/lessons/a.md")[0] == "after"


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_cache_file_written_in_part_is_not_left_behind(tmp_path, monkeypatch, failure):
    """A full disk, or Ctrl+C between writing a cache file and renaming it into place,
    left its temporary file, never read and never removed."""
    def fail(self, target):
        raise failure

    monkeypatch.setattr(Path, "replace", fail)
    try:
        cachefiles.keep(tmp_path / "cache" / "x.pickle", b"data")
    except KeyboardInterrupt:
        pass
    assert list((tmp_path / "cache").iterdir()) == []


def test_parsed_banks_are_kept_in_the_cache(tmp_path, monkeypatch):
    """A bank parsed once is read from the cache; a changed or broken one is parsed again."""
    folder = tmp_path / "quizzes" / "banks"
    folder.mkdir(parents=True)
    bank = folder / "a.yml"
    bank.write_text(GOOD_BANK, encoding="utf-8")
    cache = tmp_path / "cache"

    def load_cached():
        return load_library(tmp_path / "quizzes", "quizzes", LESSONS, cache)

    first = load_cached()
    assert list(first.questions) == ["s1-001"] and len(list(cache.glob("*.pickle"))) == 1

    monkeypatch.setattr(yamlio, "load_yaml", lambda *a: pytest.fail("parsed again"))
    again = load_cached()
    assert again.questions == first.questions
    assert again.questions["s1-001"].where == first.questions["s1-001"].where == "quizzes/banks/a.yml:2"
    monkeypatch.undo()

    # A changed bank is parsed afresh; its mistakes are found at every build, also
    # when it comes from the cache, and broken YAML is never kept
    bank.write_text(GOOD_BANK.replace("difficulty: easy", "difficulty: eazy"), encoding="utf-8")
    for _ in range(2):
        assert "quizzes/banks/a.yml:9: unknown difficulty 'eazy'" in only_problem(load_cached())
    bank.write_text(GOOD_BANK + "  - id: [\n", encoding="utf-8")
    for _ in range(2):
        assert "quizzes/banks/a.yml:11: invalid YAML" in only_problem(load_cached())
    assert list(cache.glob("*.pickle")) == []

    # A cache file cut short is parsed again
    bank.write_text(GOOD_BANK, encoding="utf-8")
    load_cached()
    (cache / "library.bin").unlink()
    for kept in cache.glob("*.pickle"):
        kept.write_bytes(b"\x80\x05")
    assert load_cached().questions == first.questions


def test_the_validated_library_is_kept_and_its_lessons_checked_again(tmp_path, monkeypatch):
    """The next build takes the whole checked library from the cache, unless a file or a
    lesson a question names has changed since."""
    folder = tmp_path / "quizzes"
    (folder / "banks").mkdir(parents=True)
    (folder / "banks" / "a.yml").write_text(GOOD_BANK + "    lesson: lessons/standard-1.md\n",
                                            encoding="utf-8")
    (folder / "practice.yml").write_text(GOOD_QUIZ, encoding="utf-8")
    lessons = {"lessons/standard-1.md"}

    def load_cached():
        return load_library(folder, "quizzes", lessons, tmp_path / "cache")

    first = load_cached()
    assert not first.problems and list(first.quizzes) == ["practice"]
    monkeypatch.setattr(loader, "_question", lambda *a: pytest.fail("checked again"))
    again = load_cached()
    assert again.questions == first.questions and again.quizzes == first.quizzes
    monkeypatch.undo()

    lessons.clear()  # the lesson was deleted: so is the question, and the quiz with it
    assert "quizzes/banks/a.yml:10: lesson 'lessons/standard-1.md' does not exist" \
        in str(load_cached().problems[0])
    lessons.add("lessons/standard-1.md")
    (folder / "practice.yml").write_text(GOOD_QUIZ.replace("60", "600"), encoding="utf-8")
    assert "quizzes/practice.yml:4" in only_problem(load_cached())


def test_quiz_blocks_are_kept_until_a_bank_or_quiz_changes(tmp_path, monkeypatch):
    """A quiz's block is made once and taken from the cache by the next build; a
    changed question or a cache file cut short makes it afresh."""
    folder = tmp_path / "quizzes"
    (folder / "banks").mkdir(parents=True)
    (folder / "banks" / "a.yml").write_text(GOOD_BANK, encoding="utf-8")
    (folder / "practice.yml").write_text(GOOD_QUIZ, encoding="utf-8")
    cache = tmp_path / "cache"

    def build_blocks():
        return QuizBlocks(load_library(folder, "quizzes", LESSONS, cache), cache)

    def stem(block):
        return json.loads(unescape(block.data))["questions"]["s1-001"]["stem"]

    first = build_blocks()
    block = first["practice"]
    assert (block.id, block.mode, stem(block)) == ("practice", "practice", "下列做法正确的是？")
    first.keep()

    monkeypatch.setattr(render, "quiz_payload", lambda *a: pytest.fail("made again"))
    assert build_blocks()["practice"] == block
    monkeypatch.undo()

    (folder / "banks" / "a.yml").write_text(GOOD_BANK.replace("正确", "错误"), encoding="utf-8")
    changed = build_blocks()
    assert stem(changed["practice"]) == "下列做法错误的是？"
    changed.keep()
    (cache / "blocks.bin").write_bytes(b"\x80\x05")
    assert stem(build_blocks()["practice"]) == "下列做法错误的是？"


def test_a_drawn_quiz_loses_a_question_whose_lesson_was_deleted(tmp_path):
    """The banks are unchanged, but a question's lesson is gone: the kept block, which
    still drew from it, is not used."""
    folder = tmp_path / "quizzes"
    (folder / "banks").mkdir(parents=True)
    second = GOOD_QUESTION.replace("s1-001", "s1-002") + "    lesson: lessons/standard-1.md\n"
    (folder / "banks" / "a.yml").write_text(GOOD_BANK + second, encoding="utf-8")
    (folder / "drawn.yml").write_text(
        "title: 测验\nmode: practice\npass_mark: 60\ndraw:\n  - standards: [1]\n    count: 1\n",
        encoding="utf-8")
    cache, lessons = tmp_path / "cache", {"lessons/standard-1.md"}

    def pool():
        library = load_library(folder, "quizzes", lessons, cache)
        blocks = QuizBlocks(library, cache)
        data = json.loads(unescape(blocks["drawn"].data))
        blocks.keep()
        return data["draw"][0]["pool"]

    assert pool() == ["s1-001", "s1-002"]
    lessons.clear()
    assert pool() == ["s1-001"]


def test_a_rule_draws_questions_testing_any_of_its_standards(tmp_path):
    """A question testing standards 1 and 3 is in the pool of a rule for standard 3 alone."""
    both = GOOD_BANK.replace("standards: [1]", "standards: [1, 3]")
    quiz = "title: 测验\nmode: practice\npass_mark: 60\ndraw:\n  - standards: [3]\n    count: 1\n"
    library = load(tmp_path, banks={"a.yml": both}, quizzes={"q.yml": quiz})
    assert library.problems == []
    assert drawn_pools(library, "q") == [["s1-001"]]


EXAM_BANK = "exam_only: true\n" + GOOD_BANK.replace("s1-001", "ex1-001")


def drawn_pools(library, quiz_id) -> list[list[str]]:
    return [rule["pool"] for rule in json.loads(unescape(QuizBlocks(library, None)[quiz_id].data))["draw"]]


def test_practice_quizzes_never_draw_from_an_exam_only_bank(tmp_path):
    """A bank marked exam_only is left out of every practice draw, so no practice page
    carries its answers; an exam draws from it, alone when its rule names the bank."""
    practice = "title: 练习\nmode: practice\npass_mark: 60\ndraw:\n  - standards: [1]\n    count: 1\n"
    exam = ("title: 考试\nmode: exam\npass_mark: 60\ndraw:\n  - standards: [1]\n    count: 1\n"
            "    banks: [exam]\n")
    library = load(tmp_path, banks={"a.yml": GOOD_BANK, "exam.yml": EXAM_BANK},
                   quizzes={"practice.yml": practice, "exam.yml": exam,
                            "any.yml": exam.replace("    banks: [exam]\n", "")})
    assert library.problems == []
    assert library.banks == {"a": False, "exam": True}
    assert drawn_pools(library, "practice") == [["s1-001"]]
    assert drawn_pools(library, "exam") == [["ex1-001"]]
    assert drawn_pools(library, "any") == [["s1-001", "ex1-001"]]


@pytest.mark.parametrize("quiz, line, message", [
    ("title: 练习\nmode: practice\npass_mark: 60\nquestions: [s1-001, ex1-001]\n", 4,
     "question 'ex1-001' is in a bank kept for exams (quizzes/banks/exam.yml has exam_only: "
     "true), so a practice page would show its answer"),
    ("title: 练习\nmode: practice\npass_mark: 60\ndraw:\n  - count: 1\n    banks: [exam]\n", 6,
     "bank 'exam' is kept for exams (exam_only: true), so a practice quiz cannot draw from it"),
    ("title: 练习\nmode: practice\npass_mark: 60\ndraw:\n  - count: 2\n", 5,
     "only 1 match standards [1, 2, 3, 4, 5, 6, 7, 8, 9] and difficulty ['easy', 'medium', "
     "'hard'] (a practice quiz leaves out the exam-only banks)"),
    ("title: 考试\nmode: exam\npass_mark: 60\ndraw:\n  - count: 1\n    banks: [exams.yml]\n", 6,
     "unknown bank 'exams.yml' (did you mean 'exam'?)"),
    ("title: 考试\nmode: exam\npass_mark: 60\ndraw:\n  - count: 2\n    banks: [exam.yml]\n", 5,
     "only 1 match standards [1, 2, 3, 4, 5, 6, 7, 8, 9] and difficulty ['easy', 'medium', "
     "'hard'] in banks ['exam']"),
])
def test_exam_only_bank_mistakes(tmp_path, quiz, line, message):
    """A practice quiz that would show an exam-only question, and a rule naming a bank
    that does not exist or holds too few questions, are named with the line."""
    library = load(tmp_path, banks={"a.yml": GOOD_BANK, "exam.yml": EXAM_BANK},
                   quizzes={"q.yml": quiz})
    problem = only_problem(library)
    assert problem.startswith(f"quizzes/q.yml:{line}: ") and message in problem, problem
    assert "q" not in library.quizzes


def test_yaml_files_not_named_yml_are_named(tmp_path):
    """Only *.yml is read: a bank or quiz saved as .yaml (or .YML) is reported, not skipped."""
    library = load(tmp_path, banks={"a.yml": GOOD_BANK, "b.yaml": GOOD_BANK.replace("s1-", "s2-")},
                   quizzes={"practice.YML": GOOD_QUIZ})
    assert [str(problem) for problem in library.problems] == [
        "quizzes/banks/b.yaml: a bank file must end in .yml — rename it to b.yml",
        "quizzes/practice.YML: a quiz file must end in .yml — rename it to practice.yml"]


def test_yaml_files_named_like_windows_devices_are_named(tmp_path):
    """A bank's or quiz's id is its file name: aux.yml or lpt1.yml cannot be copied to a
    Windows PC or USB stick (Windows takes them for devices), so check and build name them."""
    library = load(tmp_path, banks={"aux.yml": GOOD_BANK}, quizzes={"lpt1.yml": GOOD_QUIZ})
    devices = "(CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9)"
    assert [str(problem) for problem in library.problems] == [
        f"quizzes/banks/aux.yml: 'aux' is a name Windows keeps for a device {devices}: a bank "
        "file so named cannot be copied to a Windows PC or USB stick — rename it, e.g. to "
        "aux-1.yml",
        f"quizzes/lpt1.yml: 'lpt1' is a name Windows keeps for a device {devices}: a quiz file "
        "so named cannot be copied to a Windows PC or USB stick — rename it, e.g. to lpt1-1.yml"]


def test_bank_in_a_sub_folder_is_named(tmp_path):
    """Banks are read from quizzes/banks/ itself (the file name is the bank's id): one
    filed in a sub-folder is reported, not silently left out."""
    library = load(tmp_path, banks={"a.yml": GOOD_BANK, "2023/old.yml": GOOD_BANK})
    assert [str(problem) for problem in library.problems] == [
        "quizzes/banks/2023/old.yml: a bank file in a sub-folder is not read — move it into "
        "quizzes/banks/ itself, or out of quizzes/banks/ if it is not to be used"]


def test_a_rule_short_of_questions_names_those_left_out_for_errors(tmp_path):
    """After a lesson's rename its questions are left out: a rule then short of
    questions says so, not only "only 0 match", which sent trainers to the rule."""
    renamed = "".join(GOOD_QUESTION.replace("s1-001", f"s1-00{n}") + "    lesson: lessons/old.md\n"
                      for n in (1, 2, 3))
    exam = "title: 考试\nmode: exam\npass_mark: 60\ndraw:\n  - standards: [1]\n    count: 3\n"
    library = load(tmp_path, banks={"a.yml": "questions:\n" + renamed}, quizzes={"exam.yml": exam})
    assert str(library.problems[-1]) == (
        "quizzes/exam.yml:6: the rule asks for 3 questions but only 0 match standards [1] and "
        "difficulty ['easy', 'medium', 'hard']; left out for their errors, from the banks it "
        "draws from: 3 questions (first 's1-001' in quizzes/banks/a.yml), which may be why — "
        "fix the errors reported for those questions first, or lower 'count', widen the rule, "
        "or add questions to the banks")


def _isfile_ignoring_case(path) -> bool:
    """os.path.isfile as on Windows, where letter case does not count."""
    current = Path(os.path.abspath(path))
    found = Path(current.anchor)
    for part in current.parts[1:]:
        found = next((child for child in found.iterdir() if child.name.casefold() == part.casefold()),
                     None) if found.is_dir() else None
        if found is None:
            return False
    return found.is_file()


def test_a_lesson_in_other_letter_case_is_named_on_a_windows_disk(make_site, monkeypatch):
    """Lessons/Standard-1.md opened the file on the trainer's Windows PC, so qinglian
    check passed there and the build failed on the server: lessons are looked up by the
    names on disk, and the file meant is named."""
    site = make_site({"quizzes/banks/a.yml": GOOD_BANK + "    lesson: Lessons/Standard-1.md\n",
                      "quizzes/practice.yml": GOOD_QUIZ})
    monkeypatch.setattr(os.path, "isfile", _isfile_ignoring_case)
    assert ("quizzes/banks/a.yml:10: lesson 'Lessons/Standard-1.md' does not exist under "
            "content/ (did you mean 'lessons/standard-1.md'?)") in "\n".join(
                check_site(site.config_file))
