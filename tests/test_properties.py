"""Property-based tests: the YAML loaders and the answer normaliser on any input.

Every loader takes any text to a value or a list of problems; the only
exception any of them raises is ContentError (load_yaml's documented one),
and each problem names the file it was given. The fill-blank normaliser folds
width, spaces and case the way the browser does.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from pathlib import Path
from unittest.mock import patch

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qinglian.cases.library import read_case
from qinglian.common import fences
from qinglian.common.errors import ContentError, shown_path
from qinglian.common.fences import Fence, fence_id
from qinglian.common.yamlio import CONTROL, LineDict, LineList, load_yaml
from qinglian.gallery.exhibits import read_exhibit
from qinglian.glossary.terms import parse_terms
from qinglian.pledge.models import read_pledge
from qinglian.quiz.loader import load_library
from qinglian.quiz.render import normalize_answer, quiz_payload
from qinglian.risks.register import load_register

# derandomize: the same examples on every run, so CI never fails by chance
SETTINGS = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

# Any text, and text that is likely YAML: dumped structures of the keys our files
# use, with values of every type, then cut or spliced at random
KEYS = st.sampled_from(["questions", "id", "type", "stem", "options", "answer", "explanation",
                        "standards", "difficulty", "lesson", "title", "mode", "draw", "count",
                        "pass_mark", "risks", "level", "measures", "terms", "term",
                        "definition", "pledge", "version", "audience", "images", "file",
                        "alt", "year", "kind", "<script>", "{{ x }}", "../x"])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
           | st.text(max_size=20) | st.sampled_from(["single", "fill_blank", "true_false",
                                                     "easy", "高", "A", "[A, B]"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=5), max_leaves=20)


# Values that parse as YAML but that PyYAML's constructors then refuse with a plain
# ValueError or TypeError (an impossible date, a bad !!int, a list as a key)
REFUSED = st.sampled_from(["2026-02-30", "2026-13-01", "2026-01-01 25:00:00", "!!int 0x",
                           "!!float x", "[A, B]: A", "{a: 1}: 2", "? [x]\n: y"])


@st.composite
def yamlish(draw) -> str:
    text = yaml.safe_dump(draw(VALUES), allow_unicode=True)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=10) | REFUSED) + text[at:]
    return text


TEXTS = st.text() | yamlish()


def _parse(text: str):
    try:
        return load_yaml(text, "x.yml")
    except ContentError as error:
        assert error.problems and all(p.path == "x.yml" for p in error.problems)
        return error


@SETTINGS
@given(TEXTS)
def test_load_yaml_gives_a_value_or_content_error(text):
    """Any text parses to a value or raises ContentError naming the file and a line
    inside it (or none)."""
    result = _parse(text)
    if isinstance(result, ContentError):
        lines = text.count("\n") + 2
        assert all(p.line is None or 1 <= p.line <= lines for p in result.problems)


@SETTINGS
@given(VALUES)
def test_load_yaml_keeps_values_and_lines(value):
    """What safe_dump writes reads back as PyYAML reads it (which is the value itself but
    for YAML's own line-break folding of characters such as U+0085), with a line on every
    mapping and list; text holding a control character (which safe_dump writes as an
    escape) is refused instead."""
    dumped = yaml.safe_dump(value, allow_unicode=True)
    if any(CONTROL.search(text) for text in _texts(yaml.safe_load(dumped))):
        with pytest.raises(ContentError, match="control characters are not allowed"):
            load_yaml(dumped, "x.yml")
        return
    loaded = load_yaml(dumped, "x.yml")
    assert loaded == yaml.safe_load(dumped)

    def walk(node):
        if isinstance(node, LineDict):
            assert node.line >= 1 and set(node.key_lines) == set(node)
            for item in node.values():
                walk(item)
        elif isinstance(node, LineList):
            assert node.line >= 1 and len(node.item_lines) == len(node)
            for item in node:
                walk(item)

    walk(loaded)


@SETTINGS
@given(st.from_regex(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?", fullmatch=True)
       | st.from_regex(r"[-+]?0[0-7_]+", fullmatch=True), st.integers())
def test_times_and_leading_zeros_stay_text(written, number):
    """Plain scalars YAML 1.1 reads as base 60 (7:30 is 450) or octal (010 is 8) are
    read as written, where safe_dump would quote them; whole numbers are still numbers."""
    assert load_yaml(f"a: {written}\nb: {number}\n", "x.yml") == {"a": written, "b": number}


def _texts(value):
    """Yield every string in ``value``: mapping keys, values and list items."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


@SETTINGS
@given(TEXTS, TEXTS)
def test_quiz_loader_never_raises(bank, quiz):
    """A bank and a quiz of any text load: every question or problem, nothing thrown."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "banks").mkdir()
        (root / "banks/b.yml").write_text(bank, encoding="utf-8", errors="surrogatepass")
        (root / "q.yml").write_text(quiz, encoding="utf-8", errors="surrogatepass")
        library = load_library(root, "quizzes", ())
    assert all(p.path in ("quizzes/banks/b.yml", "quizzes/q.yml") for p in library.problems)
    assert "q" in library.quizzes or "q" in library.broken


QUESTION = ("  - id: q{n}\n    type: true_false\n    stem: 第{n}题\n    answer: true\n"
            "    explanation: 说明。\n    standards: {standards}\n    difficulty: {difficulty}\n")
RULES = st.lists(st.fixed_dictionaries(
    {"count": st.integers(1, 4)},
    optional={"standards": st.lists(st.integers(1, 3), min_size=1, max_size=2, unique=True),
              "difficulty": st.lists(st.sampled_from(["easy", "hard"]), min_size=1, unique=True)}),
    min_size=1, max_size=4)


@SETTINGS
@given(st.lists(st.tuples(st.lists(st.integers(1, 3), min_size=1, max_size=2, unique=True),
                          st.sampled_from(["easy", "hard"])), min_size=1, max_size=8),
       RULES, st.randoms(use_true_random=False))
def test_a_drawn_quiz_that_passes_always_fills_its_paper(questions, rules, random):
    """Whatever earlier rules take, a quiz the loader accepts gets every question it asks
    for when drawn as the browser does (quiz.js draw(): rule by rule, shuffled, without
    what earlier rules took)."""
    bank = "questions:\n" + "".join(QUESTION.format(n=n, standards=standards, difficulty=level)
                                    for n, (standards, level) in enumerate(questions))
    quiz = "title: 测验\nmode: exam\npass_mark: 60\n" + yaml.safe_dump({"draw": rules})
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "banks").mkdir()
        (root / "banks/b.yml").write_text(bank, encoding="utf-8")
        (root / "q.yml").write_text(quiz, encoding="utf-8")
        library = load_library(root, "quizzes", ())
    if "q" not in library.quizzes:
        return
    payload = quiz_payload(library.quizzes["q"], library.questions)
    for _ in range(20):
        taken = []
        for rule in payload["draw"]:
            pool = [qid for qid in rule["pool"] if qid not in taken]
            random.shuffle(pool)
            taken += pool[:rule["count"]]
        assert len(taken) == payload["size"]


@SETTINGS
@given(TEXTS)
def test_register_loader_never_raises(text):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "r.yml").write_bytes(text.encode("utf-8", "surrogatepass"))
        risks, problems = load_register(Path(folder), "content/risks")
    assert all(p.path == "content/risks/r.yml" for p in problems)
    assert risks or problems  # an empty or wrong register is a problem, never silence


@SETTINGS
@given(TEXTS)
def test_glossary_loader_never_raises(text):
    terms, problems = parse_terms(text, "terms.yml")
    assert all(p.path == "terms.yml" for p in problems)


@SETTINGS
@given(TEXTS, st.text(max_size=40))
def test_front_matter_loaders_never_raise(front, body):
    """Cases, exhibits and pledges read any front matter and body into a value or problems."""
    source = f"---\n{front}\n---\n{body}"
    with tempfile.TemporaryDirectory() as folder:
        for value, problems in (
            read_case(source, "cases/x.md", "content/cases/x.md"),
            read_exhibit(source, "exhibits/x.md", "content/exhibits/x.md", Path(folder), ["内科"]),
            read_pledge(source, "content/pledges/x.md"),
        ):
            assert value is None or not problems
            assert all(p.path.startswith("content/") and (p.line is None or p.line >= 1)
                       for p in problems)


# --- the fill-blank answer normaliser ----------------------------------------------

ANSWERS = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
# Known quirk, kept because the browser must hash exam answers the same way:
# NFKC before lower() can leave a decomposed letter (A + spacing macron "A¯"
# becomes "a" + combining macron, which a second NFKC composes). Answers are
# Chinese text, letters and digits; modifier symbols and marks are left out.
PLAIN_ANSWERS = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Sk", "Mn", "Mc", "Me")),
                        max_size=30)


@SETTINGS
@given(PLAIN_ANSWERS)
def test_normalised_answer_is_a_fixed_point(text):
    """Normalising twice changes nothing; the result has no white space and no capitals
    that lower() would change."""
    once = normalize_answer(text)
    assert normalize_answer(once) == once
    assert not any(char.isspace() for char in once)
    assert once == once.lower()


# What trainers' answers are written in: ASCII, CJK, full-width forms and CJK
# punctuation. (Not combining marks or Hangul jamo: a space typed between a letter
# and its accent keeps them apart, in the browser's normaliser too.)
TYPED = st.text(alphabet=st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                                   st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                                   st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
                                   st.characters(min_codepoint=0x3000, max_codepoint=0x303F)),
                max_size=30)


@SETTINGS
@given(TYPED, st.lists(st.sampled_from([" ", "\u3000", "\t", "\n", "\u00a0"]), max_size=5),
       st.data())
def test_spaces_anywhere_do_not_matter(text, spaces, data):
    """An answer typed with spaces (ASCII, full-width, no-break) anywhere is the same."""
    spaced = text
    for space in spaces:
        at = data.draw(st.integers(0, len(spaced)))
        spaced = spaced[:at] + space + spaced[at:]
    assert normalize_answer(spaced) == normalize_answer(text)


@SETTINGS
@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20))
def test_full_width_and_case_do_not_matter(text):
    """ＡＢＣ１２３ typed on a Chinese keyboard equals abc123."""
    full_width = "".join(chr(ord(char) + 0xFEE0) for char in text)
    assert normalize_answer(full_width) == normalize_answer(text.upper()) \
        == normalize_answer(text.lower()) == normalize_answer(text)


@SETTINGS
@given(ANSWERS)
def test_normalising_is_nfkc(text):
    """Composed and decomposed forms (é, e + ◌́) give the same answer."""
    assert normalize_answer(unicodedata.normalize("NFD", text)) == normalize_answer(text)


@SETTINGS
@given(st.sampled_from(["id:", "id: ", "id:\t", "id:  "]),
       st.text(alphabet="abcyesnotrulfs0129-_.~:# ", max_size=12) | st.sampled_from(
           ["yes", "no", "on", "off", "true", "false", "null", "y", "n", "2024-01-01", "1e3"]),
       st.sampled_from(["", "\n", " ", "\n\n", " # note", "\nx: 1"]))
def test_a_blocks_id_is_read_as_yaml_reads_it(start, value, end):
    """The usual ```quiz body, "id: <id>", is read without YAML: always to what YAML
    reads, or to the same problem."""
    fence = Fence("quiz", 5, 7, "", start + value + end)
    with patch.object(fences, "_PLAIN_ID", re.compile("(?!)")):  # YAML only
        expected = fence_id(fence, "x.md")
    found = fence_id(fence, "x.md")
    assert (found[0], found[1], str(found[2])) == (expected[0], expected[1], str(expected[2]))


@given(st.lists(st.sampled_from(["docs", "..", ".", ".hidden", "课程", "a b", "docs2", ""]),
                max_size=5),
       st.sampled_from(["/srv/site/mkdocs.yml", "/srv/site/sub/../mkdocs.yml", "mkdocs.yml",
                        "/mkdocs.yml"]))
def test_shown_path_is_relpath(parts, config):
    """Cutting the project folder off a page's path names it as os.path.relpath does."""
    path = os.path.join("/srv/site", *parts, "page.md")
    project = os.path.dirname(os.path.abspath(config))
    assert shown_path(path, config) == os.path.relpath(path, project)
