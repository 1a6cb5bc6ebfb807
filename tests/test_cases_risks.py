"""Cases and the risk register: validation with file:line, the built pages, cross-links."""

import re

import pytest
from playwright.sync_api import expect

from conftest import PROJECT
from qinglian.cases.library import load_cases, read_case
from qinglian.risks.register import load_register

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


def test_good_case_is_read():
    case, problems = read_case(CASE, "cases/x.md", "content/cases/x.md")
    assert problems == [] and case.standards == (1,) and case.kind == "positive"


@pytest.mark.parametrize("change, line, message", [
    # (old, new) in CASE, reported line, message
    (("standards: [1]", "standards: [10]"), 4, "standard '10' is not one of the nine (1–9)"),
    (("kind: positive", "kind: good"), 5, "kind 'good' is neither warning nor positive"),
    (("kind: positive", "kidn: positive"), 5,
     "unknown key 'kidn' in the front matter (did you mean 'kind'?)"),
    (("kind: positive\n", ""), 1, "'kind' is missing"),
    (("## 启示\n守住数据关口。\n\n", ""), 20, "the case has no '## 启示' section"),
    (("## 处理结果", "## 结果"), 23, "the case has no '## 处理结果' section"),
    (("2. 还有哪些岗位能接触数据？\n", ""), 23, "1 discussion question(s)"),
    (("summary: 工程师拒绝导出用量并报告。\n", ""), 1, "'summary' is missing or empty"),
    (("kind: positive", "kind：positive"), 5, "write ':' (half-width) and a space instead of '："),
])
def test_case_mistakes(change, line, message):
    """A case naming a standard outside 1–9 or missing a section is named with file:line."""
    case, problems = read_case(CASE.replace(*change), "cases/x.md", "content/cases/x.md")
    assert case is None
    assert any(str(p).startswith(f"content/cases/x.md:{line}: ") and message in str(p)
               for p in problems), [str(p) for p in problems]


def test_out_of_order_sections():
    source = CASE.replace("## 案情", "## 临时").replace("## 处理结果", "## 案情").replace("## 临时", "## 处理结果")
    _, problems = read_case(source, "cases/x.md", "content/cases/x.md")
    assert "the case's sections are out of order" in str(problems[0])


RISK = """risks:
  - id: r-001
    department: 药剂科
    post: 药品调剂岗
    risk: 统方
    standards: [1]
    level: 高
    measures: [权限分级]
    owner: 药剂科主任
"""


@pytest.mark.parametrize("text, line, message", [
    (RISK.replace("level: 高", "level: 极高"), 7, "level '极高' is not 高, 中 or 低"),
    (RISK.replace("owner:", "owners:"), 9, "unknown key 'owners' (did you mean 'owner'?)"),
    (RISK.replace("standards: [1]", "standards: [0]"), 6, "are not a list of the nine"),
    (RISK.replace("measures: [权限分级]", "measures: []"), 8, "'measures' must list at least one"),
    (RISK + RISK.replace("risks:\n", ""), 10, "duplicate risk id 'r-001'"),
    # a missing key is named as missing, with a value to write
    (RISK.replace("    level: 高\n", ""), 2, "'level' is missing — add level: 高, 中 or 低"),
    (RISK.replace("    standards: [1]\n", ""), 2,
     "'standards' is missing — add e.g. standards: [1, 9]"),
    (RISK.replace("    owner: 药剂科主任\n", ""), 2,
     "'owner' is missing or empty — write e.g. owner: 药剂科主任"),
])
def test_risk_mistakes(tmp_path, text, line, message):
    """Register mistakes are named with file:line, like the question banks."""
    (tmp_path / "register.yml").write_text(text, encoding="utf-8")
    risks, problems = load_register(tmp_path, "content/risks")
    assert any(str(p).startswith(f"content/risks/register.yml:{line}: ") and message in str(p)
               for p in problems), [str(p) for p in problems]


def test_register_saved_as_yaml_is_named(tmp_path):
    """The guide says content/risks/*.yml: a register saved as .yaml is not read,
    so it is named, as a bank or route saved so is."""
    (tmp_path / "pharmacy.yaml").write_text(RISK, encoding="utf-8")
    risks, problems = load_register(tmp_path, "content/risks")
    assert risks == []
    assert [str(p) for p in problems] == [
        "content/risks/pharmacy.yaml: a register file must end in .yml — rename it to pharmacy.yml"]


def test_registers_in_sub_folders_are_read(tmp_path):
    """A register filed in a sub-folder (risks/药剂科/) is read, its mistakes and a
    .yaml one there named by their path, not left out without a word."""
    (tmp_path / "药剂科").mkdir()
    (tmp_path / "药剂科" / "调剂.yml").write_text(RISK, encoding="utf-8")
    (tmp_path / "药剂科" / "采购.yml").write_text(
        RISK.replace("r-001", "r-002").replace("level: 高", "level: 极高"), encoding="utf-8")
    (tmp_path / "药剂科" / "库房.yaml").write_text(RISK, encoding="utf-8")
    risks, problems = load_register(tmp_path, "content/risks")
    assert [risk.id for risk in risks] == ["r-001"]
    assert [str(p).split(" —")[0] for p in problems] == [
        "content/risks/药剂科/库房.yaml: a register file must end in .yml",
        "content/risks/药剂科/采购.yml:7: level '极高' is not 高, 中 or 低"]


def test_repository_cases_and_risks_meet_the_numbers():
    """≥ 18 cases, ≥ 2 per standard with positive examples; ≥ 30 risk points in ≥ 8 departments,
    every standard covered."""
    docs = PROJECT / "content"
    cases = load_cases(docs / "cases", docs, "content/cases")
    assert [str(p) for p in cases.problems] == []
    assert len(cases.cases) >= 18
    assert all(len(cases.for_standard(n)) >= 2 for n in range(1, 10))
    assert sum(case.kind == "positive" for case in cases.cases) >= 5
    risks, problems = load_register(docs / "risks", "content/risks")
    assert [str(p) for p in problems] == []
    assert len(risks) >= 30 and len({r.department for r in risks}) >= 8
    assert all(any(n in r.standards for r in risks) for n in range(1, 10))


def test_case_index_and_cross_links(intranet_site):
    """The index counts cases by standard and kind; lessons list their cases and risk
    points; each case links back to its lessons."""
    index = (intranet_site / "cases" / "index.html").read_text(encoding="utf-8")
    counts = re.search(r'<table class="ql-case-counts">.*?</table>', index, re.S).group(0)
    assert len(re.findall(r"<tr><th scope=\"row\">第.条</th>", counts)) == 9
    for number in range(1, 10):
        lesson = (intranet_site / "lessons" / f"standard-{number}" / "index.html").read_text("utf-8")
        related = lesson.split('<h2 id="related-cases">', 1)[1].split("</ul>", 1)[0]
        links = re.findall(r'<a href="\.\./\.\./cases/([^/]+)/">', related)
        assert len(links) >= 2
        case = (intranet_site / "cases" / links[0] / "index.html").read_text("utf-8")
        assert f'href="../../lessons/standard-{number}/"' in case.split('id="related-lessons"', 1)[1]
        assert '<h2 id="related-risks">' in lesson
        # both lists stand before the lesson's self-test
        assert lesson.index('id="related-cases"') < lesson.index('id="related-risks"') < lesson.index('id="自测"')


@pytest.mark.browser
def test_register_filters_from_file(offline_site, open_page):
    """From file://: choose a department and a level; the table and the count follow."""
    recorded = open_page()
    page = recorded.page
    page.goto((offline_site / "risks" / "index.html").as_uri())
    count = page.locator(".ql-risk-count")
    total = page.locator(".ql-risk-table tbody tr").count()
    expect(count).to_have_text(f"显示 {total} / {total} 个风险点")
    page.get_by_label("科室").select_option("药剂科")
    shown = page.locator(".ql-risk-table tbody tr:not([hidden])")
    expect(count).to_have_text(f"显示 {shown.count()} / {total} 个风险点")
    assert 0 < shown.count() < total
    assert set(shown.evaluate_all("rows => rows.map(r => r.dataset.department)")) == {"药剂科"}
    page.get_by_label("风险等级").select_option("高")
    assert all(level == "高" for level in shown.evaluate_all("rows => rows.map(r => r.dataset.level)"))
    assert recorded.blocked == [] and recorded.errors == []


@pytest.mark.browser
def test_register_filter_kept_after_back(offline_site, open_page):
    """Back from another page shows the table filtered as the menus say: the browser
    puts the menus back only after the script has filtered, so the choice is in the
    address (?department=…)."""
    recorded = open_page()
    page = recorded.page
    page.goto((offline_site / "risks" / "index.html").as_uri())
    total = page.locator(".ql-risk-table tbody tr").count()
    page.get_by_label("科室").select_option("药剂科")
    shown = page.locator(".ql-risk-table tbody tr:not([hidden])").count()
    assert 0 < shown < total
    page.goto((offline_site / "lessons" / "index.html").as_uri())
    page.go_back()
    expect(page.locator(".ql-risk-count")).to_have_text(f"显示 {shown} / {total} 个风险点")
    expect(page.get_by_label("科室")).to_have_value("药剂科")
    expect(page.locator(".ql-risk-table tbody tr:not([hidden])")).to_have_count(shown)
    assert recorded.blocked == [] and recorded.errors == []


def _site_with_cases(make_site, files: dict, config: dict | None = None):
    """A small site with the cases plugin, the pages ``files`` adds and ``config``."""
    return make_site({"content/cases/index.md": "# 案例\n", **files},
                     config={"plugins": {"qinglian/portal": {"sections": {
                         "lessons": "九项准则", "glossary": "术语表", "cases": "案例"}},
                         "qinglian/cases": {}}, **(config or {})})


def test_case_links_a_lesson_renamed(make_site):
    """A case links the lesson whose front matter names its standard, whatever the
    lesson's file is called (qinglian new lesson ethics-basics)."""
    site = _site_with_cases(make_site, {
        "content/lessons/standard-1.md": None,
        "content/lessons/income.md": "---\ntitle: 第一条\nstandard: 1\n---\n\n# 第一条\n",
        "content/cases/x.md": CASE})
    result = site.build()
    assert result.returncode == 0, result.stderr
    related = site.read("cases/x/index.html").split('id="related-lessons"', 1)[1]
    assert 'href="../../lessons/income/"' in related


def test_lessons_are_the_pages_cases_are(make_site):
    """A standard's lesson is found among the lesson folder's pages by the rule its cases
    are read by: in a sub-folder too, never its index.md nor a hidden file."""
    lesson = "---\ntitle: 第一条\nstandard: 1\n---\n\n# 第一条\n"
    site = _site_with_cases(make_site, {
        "content/lessons/standard-1.md": None, "content/lessons/index.md": lesson,
        "content/lessons/.a.md": lesson, "content/lessons/basics/one.md": lesson,
        "content/cases/x.md": CASE, "content/cases/.y.md": CASE.replace("kind: positive", "")})
    result = site.build()
    assert result.returncode == 0, result.stderr
    related = site.read("cases/x/index.html").split('id="related-lessons"', 1)[1]
    assert 'href="../../lessons/basics/one/"' in related


def test_lesson_on_no_standard_lists_no_cases(make_site):
    """``standard: true`` is named as no standard, and the lesson then lists no cases
    (Python counts true as 1: it listed the first standard's)."""
    lesson = "---\ntitle: 第一条\nstandard: true\n---\n\n# 第一条\n\n## 自测\n"
    site = _site_with_cases(make_site, {"content/lessons/standard-1.md": lesson,
                                        "content/cases/x.md": CASE})
    result = site.build(strict=False)
    assert result.returncode == 0, result.stderr
    assert "standard True is not one of the nine (1–9)" in result.stderr
    assert 'id="related-cases"' not in site.read("lessons/standard-1/index.html")


def test_cases_in_a_sub_folder_are_read(make_site):
    """A case filed under cases/2024/ is checked, counted and listed like the others,
    and named by its whole path."""
    lesson = "---\ntitle: 第一条\nstandard: 1\n---\n\n# 第一条\n\n## 自测\n"
    site = _site_with_cases(make_site, {"content/lessons/standard-1.md": lesson,
                                        "content/cases/2024/x.md": CASE})
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert 'href="2024/x/"' in site.read("cases/index.html").split('id="standard-1"', 1)[1]
    assert 'href="../../cases/2024/x/"' in site.read("lessons/standard-1/index.html")
    assert 'href="../../../lessons/standard-1/"' in site.read("cases/2024/x/index.html")
    (site.root / "content/cases/2024/x.md").write_text(CASE.replace("kind: positive", "kind: good"),
                                                       encoding="utf-8")
    assert ("content/cases/2024/x.md:5: kind 'good' is neither warning nor positive"
            in site.failed_build_log())


def test_case_left_out_of_the_site_is_not_listed(make_site):
    """A case kept back by exclude_docs (or draft_docs) is not linked from the index or
    its lesson, where the link would lead nowhere."""
    lesson = "---\ntitle: 第一条\nstandard: 1\n---\n\n# 第一条\n\n## 自测\n"
    site = _site_with_cases(make_site, {"content/lessons/standard-1.md": lesson,
                                        "content/cases/x.md": CASE, "content/cases/draft.md": CASE},
                            {"exclude_docs": "*.yml\n/cases/draft.md\n"})
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert not (site.root / "site/cases/draft").exists()
    for page in ("cases/index.html", "lessons/standard-1/index.html"):
        html = site.read(page)
        assert "cases/x/" in html or 'href="x/"' in html
        assert "draft/" not in html, page
