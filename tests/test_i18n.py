"""The UI strings in both languages, and an English site that shows no Chinese of ours."""

import re
from html.parser import HTMLParser

import pytest

import imagefactory as make
from qinglian.common.i18n import STRINGS
from test_dashboard import SITE, report_data
from test_gallery import _exhibit

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.mark.parametrize("key", sorted(STRINGS["zh"].keys() | STRINGS["en"].keys()))
def test_every_string_has_both_languages(key):
    """Each key is in zh and en with the same placeholders; the English has no Chinese."""
    zh, en = STRINGS["zh"].get(key), STRINGS["en"].get(key)
    assert zh is not None and en is not None
    assert set(PLACEHOLDER.findall(zh)) == set(PLACEHOLDER.findall(en))
    assert not CJK.search(en)


# An English site: English content everywhere except the values whose vocabulary
# is fixed in Chinese on every site (a risk's level, an exhibit's medium)
ENGLISH_CONFIG = {
    "site_name": "Integrity training",
    "theme": {"language": "en"},
    "extra": {"hospital": {"name": "Example Hospital", "site_id": SITE,
                           "contact": ["Integrity office: room 101"],
                           "departments": ["Medicine", "Nursing"]}},
    "plugins": {
        "qinglian/portal": {"sections": {"lessons": "Standards", "glossary": "Glossary",
                                         "cases": "Cases", "risks": "Risks",
                                         "exhibits": "Gallery", "dashboard": "Dashboard"}},
        "qinglian/cases": {},
        "qinglian/risks": {},
        "qinglian/gallery": {},
        "qinglian/dashboard": {},
    },
}
CASE = """---
title: A pharmacist refuses
summary: She would not sell prescribing data.
standards: [1, 3]
kind: positive
post: pharmacist
---

# A pharmacist refuses

## 案情
A sales rep asked for data.

## 处理结果
She refused and reported it.

## 违反了什么
The request broke standard one.

## 启示
Keep the data safe.

## 讨论题
1. What would you do?
2. Who else sees such data?
"""
RISKS = """risks:
  - id: r-001
    department: Pharmacy
    post: dispensing
    risk: selling prescribing data
    standards: [1, 3]
    level: 高
    measures: [access by role]
    owner: head of pharmacy
"""
ENGLISH_FILES = {
    "content/index.md": "# Home\n\nWelcome.\n",
    "content/lessons/index.md": "# Standards\n",
    "content/lessons/standard-1.md": ("---\ntitle: Standard one\nstandard: 1\nsummary: Pay by work.\n"
                                      "---\n\n# Standard one\n\nNo commissions.\n"),
    "content/glossary/index.md": "# Glossary\n",
    "content/glossary/terms.yml": "terms:\n  - term: kickback\n    definition: A bribe.\n",
    "content/cases/index.md": "# Cases\n",
    "content/cases/pharmacist.md": CASE,
    "content/risks/index.md": "# Risks\n",
    "content/risks/register.yml": RISKS,
    "content/exhibits/index.md": "# Gallery\n",
    "content/exhibits/work.md": _exhibit("Clear wind", "书法", 2025, "a.png")
    .replace("creator: 护理部\ndepartment: 护理部", "creator: Ann Lee\ndepartment: Nursing")
    .replace("的画面", " in ink").replace("的说明。", ", in ink.").replace("正文。", "Text."),
    "content/dashboard/index.md": "# Dashboard\n",
}


class _Shown(HTMLParser):
    """The text a reader sees or hears: text outside scripts and styles, and the
    attributes read out or shown."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style")
        self.parts += [value for name, value in attrs
                       if name in ("aria-label", "title", "alt", "placeholder") and value]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def test_english_site_shows_no_chinese_ui(make_site, tmp_path):
    """Built with theme.language: en, the pages of every block read in English: the
    navigation's home entry, a risk's level and an exhibit's medium are translated,
    lists and asides use English punctuation (they showed 首页, 高, 书法,
    "Standard 1、Standard 3", "（…）")."""
    data = report_data(tmp_path, {"Medicine": [(True, True)], "Nursing": [(False, True)]})
    data = data.replace("廉洁从业承诺书", "Staff pledge")  # the report's pledge title
    site = make_site({**ENGLISH_FILES, "content/dashboard/data.json": data}, ENGLISH_CONFIG)
    (site.root / "content/exhibits/images").mkdir()
    make.plain(site.root / "content/exhibits/images/a.png")
    result = site.build()
    assert result.returncode == 0, result.stderr
    pages = {name: site.read(name) for name in (
        "index.html", "lessons/standard-1/index.html", "cases/index.html", "risks/index.html",
        "exhibits/index.html", "exhibits/work/index.html", "dashboard/index.html")}
    for name, html in pages.items():
        shown = _Shown()
        shown.feed(html)
        chinese = [part.strip() for part in shown.parts if CJK.search(part)]
        assert chinese == [], name
    assert "Standard 1, Standard 3" in pages["risks/index.html"]
    assert ">High</span>" in pages["risks/index.html"]
    assert '<option value="高">High</option>' in pages["risks/index.html"]
    assert "dispensing</a> (High): selling prescribing data" in pages["lessons/standard-1/index.html"]
    assert "Ann Lee (Nursing) · Calligraphy · 2025" in pages["exhibits/index.html"]
    assert '<option value="书法">Calligraphy</option>' in pages["exhibits/index.html"]
    assert "<dd>Calligraphy</dd>" in pages["exhibits/work/index.html"]
    assert "<bdi>Medicine</bdi>, <bdi>Nursing</bdi>" in pages["dashboard/index.html"]
