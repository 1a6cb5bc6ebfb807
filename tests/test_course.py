"""The course as content: nine complete lessons, question coverage, the exam, the glossary,
term tooltips and the 监督举报 page. These numbers are promises; the tests keep them true."""

import json
import re
from collections import Counter

import pytest
import yaml

from conftest import PROJECT
from qinglian.glossary.terms import Term, annotate_terms, parse_terms, tooltips_for
from qinglian.common.pages import docs_files
from qinglian.quiz.loader import load_library
from qinglian.quiz.models import DIFFICULTIES, QUESTION_TYPES

LIBRARY = load_library(PROJECT / "quizzes", "quizzes",
                       docs_files(PROJECT / "content"))
NUMERALS = "一二三四五六七八九"
SECTIONS = ["条文", "为什么重要", "界限与常见情形", "情景判断", "相关法规", "违反后果", "自测"]
STANDARDS = range(1, 10)


def lesson(number: int) -> tuple[dict, str]:
    text = (PROJECT / "content" / "lessons" / f"standard-{number}.md").read_text(encoding="utf-8")
    front, body = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S).groups()
    return yaml.safe_load(front), body


def test_banks_are_valid():
    """The banks and quizzes of the repository have no problem at all."""
    assert [str(p) for p in LIBRARY.problems] == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_question_coverage(standard):
    """At least 15 questions per standard, every type and every difficulty."""
    questions = [q for q in LIBRARY.questions.values() if standard in q.standards]
    assert len(questions) >= 15
    assert set(Counter(q.type for q in questions)) == set(QUESTION_TYPES)
    assert set(Counter(q.difficulty for q in questions)) == set(DIFFICULTIES)
    for question in questions:
        names = {name for n in question.standards for name in (f"第{n}条", f"第{NUMERALS[n - 1]}条")}
        assert any(name in question.explanation for name in names), question.id


def test_question_total():
    assert len(LIBRARY.questions) >= 135


@pytest.mark.parametrize("standard", STANDARDS)
def test_lesson_has_every_section(standard):
    """Front matter, the seven sections in order, three scenarios and the practice quiz."""
    meta, body = lesson(standard)
    assert meta["standard"] == standard
    assert meta["title"].startswith(f"第{NUMERALS[standard - 1]}条")
    assert meta["summary"] and isinstance(meta["duration"], int)
    headings = re.findall(r"^## (.+?)\s*$", body, re.M)
    assert headings == SECTIONS
    scenarios = body.split("## 情景判断", 1)[1].split("## 相关法规", 1)[0]
    assert len(re.findall(r"^### ", scenarios, re.M)) >= 3
    assert "以官方原文为准" in body.split("## 为什么重要", 1)[0]
    assert f"```quiz\nid: standard-{standard}-practice\n```" in body
    quiz = LIBRARY.quizzes[f"standard-{standard}-practice"]
    assert quiz.mode == "practice" and [(r.standards, r.count) for r in quiz.draw] == [((standard,), 10)]


def test_onboarding_exam():
    """Three questions per standard (27) from the exam-only bank, 80 %, 30 minutes, three
    attempts."""
    exam = LIBRARY.quizzes["onboarding"]
    assert exam.mode == "exam" and exam.pass_mark == 80
    assert exam.time_limit == 30 and exam.max_attempts == 3
    assert sorted((r.standards, r.count) for r in exam.draw) == [((n,), 3) for n in STANDARDS]
    # From the exam-only bank, five per standard: a second attempt still sees new questions
    assert {r.banks for r in exam.draw} == {("exam",)} and LIBRARY.banks["exam"]
    exam_bank = Counter(n for q in LIBRARY.questions.values() if q.bank == "exam" for n in q.standards)
    assert exam_bank == {n: 5 for n in STANDARDS}


def test_glossary_holds_the_fields_terms():
    text = (PROJECT / "content" / "glossary" / "terms.yml").read_text(encoding="utf-8")
    terms, problems = parse_terms(text, "content/glossary/terms.yml")
    assert problems == []
    assert {"统方", "红包", "回扣", "带金销售", "骗保", "分解住院", "挂床住院", "医联体", "双通道",
            "过度诊疗", "利益输送", "医德医风"} <= {t.term for t in terms}


TERMS = [Term("统方", "统计用量"), Term("方", "一个字"), Term("医联体", "医疗联合体")]


@pytest.mark.parametrize("html, expected", [
    # page HTML, the same with tooltips
    ("<p>商业目的统方，</p>", '<p>商业目的<abbr class="ql-term" title="统计用量" tabindex="0">统方</abbr>，</p>'),
    ("<p>统方与统方</p>", '<p><abbr class="ql-term" title="统计用量" tabindex="0">统方</abbr>与统方</p>'),
    ("<h2>统方</h2><p>统方</p>", '<h2>统方</h2><p><abbr class="ql-term" title="统计用量" tabindex="0">统方</abbr></p>'),
    ('<p><a href="x">统方</a><code>统方</code></p>', '<p><a href="x">统方</a><code>统方</code></p>'),
    ('<div class="qinglian-quiz-block"><div>统方</div></div>', '<div class="qinglian-quiz-block"><div>统方</div></div>'),
    ("<p>统方</p><h3>下一节</h3><p>统方</p>", '<p><abbr class="ql-term" title="统计用量" tabindex="0">统方</abbr></p>'
     '<h3>下一节</h3><p><abbr class="ql-term" title="统计用量" tabindex="0">统方</abbr></p>'),
])
def test_term_tooltips(html, expected):
    """Longest term first, no word boundaries, first use per section, never in code,
    links, headings or our blocks."""
    assert annotate_terms(html, tooltips_for(TERMS)) == expected


def test_lessons_show_term_tooltips(intranet_site):
    """The lesson on standard 1 explains 统方 where it is first used."""
    page = (intranet_site / "lessons" / "standard-1" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr class="ql-term" title="[^"]*统计[^"]*" tabindex="0">统方</abbr>', page)


def test_report_page_lists_the_hospitals_channels(intranet_site):
    """监督举报 shows the channels from extra.hospital.report_channels, before its sections."""
    page = (intranet_site / "report" / "index.html").read_text(encoding="utf-8")
    page = page.split("<article", 1)[1]
    channels = page.index('<section class="ql-channels"')
    assert "<dt>举报电话</dt>" in page and "<dd>0000-00000000</dd>" in page
    assert channels < page.index("可以反映哪些问题")
    assert "24 小时" in page and "收据" in page


def test_search_finds_the_reporting_channels(intranet_site):
    """Staff search for 举报电话: the channels are in the page's content, which search
    indexes, not added by the template after it."""
    index = json.loads((intranet_site / "search" / "search_index.json").read_text("utf-8"))
    texts = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"]
                     if doc["location"].startswith("report/"))
    assert "举报电话" in texts.replace("\u200b", "") and "0000-00000000" in texts
