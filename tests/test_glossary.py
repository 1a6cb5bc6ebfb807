"""The glossary: validated terms, fed to jieba for search, shown on its page."""

import json

import pytest

from qinglian.glossary.terms import Term, parse_terms, render_terms

PAGE = "# 转诊\n\n医联体内的正常转诊不属于牟利转介。\n"


def search_texts(site) -> list[str]:
    return [doc["text"] for doc in json.loads(site.read("search/search_index.json"))["docs"]]


def test_glossary_terms_are_searchable_words(make_site):
    """A term in the glossary is indexed whole (jieba alone splits 医联体 as 医联/体内)."""
    site = make_site({
        "content/lessons/referral.md": PAGE,
        "content/glossary/terms.yml": "terms:\n  - term: 医联体\n    definition: 医疗联合体。\n",
    })
    assert site.build().returncode == 0
    assert any("\u200b医联体\u200b" in text for text in search_texts(site))


def test_without_the_term_jieba_splits_it(make_site):
    """Control for the test above: without the glossary entry the word is split."""
    site = make_site({"content/lessons/referral.md": PAGE})
    assert site.build().returncode == 0
    assert not any("\u200b医联体\u200b" in text for text in search_texts(site))


def test_jieba_cache_lives_in_project_cache(make_site):
    """jieba's dictionary cache is written to .cache/qinglian, not /tmp."""
    site = make_site()
    assert site.build().returncode == 0
    assert list((site.root / ".cache" / "qinglian").glob("jieba*.cache"))


@pytest.mark.parametrize("text, line, message", [
    # glossary file, line reported, part of the message
    ("terms:\n  - term: 统方\n   definition: x\n", 3, "invalid YAML"),
    ("terms:\n  - term: 统方\n    definition: a\n  - term: 统方\n    definition: b\n", 4,
     "duplicate term '统方' (first on line 2)"),
    ("terms:\n  - term: 统方\n    definition: a\n    term: 红包\n", 4, "duplicate key 'term'"),
    ("terms:\n  - term: 统方\n    meaning: a\n", 3, "unknown key 'meaning'"),
    ("terms:\n  - term: 统方\n", 2, "'definition' is missing or empty"),
    ("terms:\n  - term: 医 联体\n    definition: a\n", 2, "contains a space"),
    ("terms:\n  - 统方\n", 2, "must be a mapping"),
    ("words: []\n", 1, "no 'terms' list"),
])
def test_bad_glossary_is_reported_with_line(text, line, message):
    """Each mistake names the file and line and is not silently dropped."""
    terms, problems = parse_terms(text, "content/glossary/terms.yml")
    assert len(problems) == 1
    assert str(problems[0]).startswith(f"content/glossary/terms.yml:{line}: ")
    assert message in str(problems[0])


def test_bad_glossary_fails_strict_build(make_site):
    """A glossary mistake is a warning, so --strict stops the build, naming file:line."""
    site = make_site({"content/glossary/terms.yml": "terms:\n  - term: 统方\n    meaning: x\n"})
    log = site.failed_build_log()
    assert "content/glossary/terms.yml:3: unknown key 'meaning'" in log


def test_missing_glossary_fails_strict_build(make_site):
    """Without the terms file the build says where it looked."""
    site = make_site({"content/glossary/terms.yml": None})
    log = site.failed_build_log()
    assert "content/glossary/terms.yml: the glossary file does not exist" in log


def test_render_escapes_text():
    """Terms are escaped in the page."""
    html = render_terms([Term("<b>", "a & b")])
    assert "<dt id=\"term-&lt;b&gt;\">&lt;b&gt;</dt><dd>a &amp; b</dd>" in html


def test_missing_jieba_stops_the_build_clearly(make_site):
    """Without jieba the build fails with what to install, not a traceback."""
    site = make_site()
    blocker = site.root / "nojieba"
    blocker.mkdir()
    # A module named jieba that fails to import, first on the path
    (blocker / "jieba.py").write_text("raise ImportError('jieba is blocked for this test')\n")
    result = site.build(env={"PYTHONPATH": str(blocker)})
    assert result.returncode == 1
    assert "jieba is not installed" in result.stderr
    assert "Traceback" not in result.stderr


def test_search_separator_without_zero_width_space_fails(make_site):
    """jieba's word breaks only count when the search separator includes U+200B."""
    site = make_site(config={"plugins": {"material/search": {"separator": r"[\s\-]+"}}})
    log = site.failed_build_log()
    assert ("mkdocs.yml: Config value 'plugins.search.separator' does not include \\u200b, so "
            "the words jieba finds are not split in the search index; add \\u200b inside its "
            "[...], e.g. separator: '[\\s\\u200b\\-]'") in log
