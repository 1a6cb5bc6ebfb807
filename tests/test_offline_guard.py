"""The offline guard: trainers' pages may not fetch anything from an outside host."""

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qinglian.offline.guard import (
    _ODD_TAG, _tags_holding_slashes, find_cdn_fences, find_outside_references,
)

# A page with one of each mistake, on known lines (front matter included)
BAD_PAGE = """---
title: 外链示例
---

# 外链示例

![院徽](https://example.com/logo.png)

<iframe src="//video.example.com/embed/1"></iframe>

<div style="background: url('http://example.com/bg.jpg')">背景</div>

<style>@import url("https://fonts.example.com/css");</style>

```mermaid
graph TD; A-->B
```

[正常的外部链接](https://www.nhc.gov.cn/) 只是链接，不会自动请求。
"""


@pytest.mark.parametrize("html, urls", [
    # rendered HTML, outside URLs the browser would fetch
    ('<img src="https://a.example/x.png">', ["https://a.example/x.png"]),
    ('<img src="/local.png"><img src="img/x.png">', []),
    ('<iframe src="//b.example/v"></iframe>', ["//b.example/v"]),
    ('<video poster="http://c.example/p.jpg"></video>', ["http://c.example/p.jpg"]),
    ('<img srcset="a.png 1x, https://d.example/b.png 2x">', ["https://d.example/b.png"]),
    ('<link rel="stylesheet" href="https://e.example/s.css">', ["https://e.example/s.css"]),
    ('<link rel="canonical" href="https://intranet.example/">', []),
    ('<a href="https://f.example/">链接</a>', []),
    ('<p style="background:url(https://g.example/bg.png)">x</p>', ["https://g.example/bg.png"]),
    ("<style>@import url('https://h.example/x.css'); p{}</style>", ["https://h.example/x.css"]),
    ("<style>p{background:url(data:image/png;base64,AA)}</style>", []),
    # spelled without "//", as a browser still reads them
    ('<img src="https:&#47;&#47;i.example/x.png">', ["https://i.example/x.png"]),
    ('<img src="&sol;&sol;i.example/x.png">', ["//i.example/x.png"]),
    ('<img src="https:\\\\j.example/x.png">', ["https:\\\\j.example/x.png"]),
    ('<script src="\\\\k.example/x.js"></script>', ["\\\\k.example/x.js"]),
    ('<img src="https:l.example/x.png">', ["https:l.example/x.png"]),
    ('<img src=" HTTP:l.example/x.png">', ["HTTP:l.example/x.png"]),
    ('<img src="/\n/m.example/x.png">', ["/\n/m.example/x.png"]),
    ('<p style="background:url(\\2f\\2f n.example/bg.png)">x</p>', ["\\2f\\2f n.example/bg.png"]),
    ("<style>@import 'https\\:\\/\\/o.example/x.css';</style>", ["https\\:\\/\\/o.example/x.css"]),
    ("<style>p{background:url(\\110000\\0 x.png)}</style>", []),  # no such code point
    ("<style>p{background:-webkit-image-set('https://s.example/a.png' 1x, \"b.png\" 2x)}</style>",
     ["https://s.example/a.png"]),
    ('<p style="background:image-set(url(https://t.example/a.png) 1x, \'//t.example/b.png\' 2x)">x</p>',
     ["https://t.example/a.png", "//t.example/b.png"]),
    # fetched by SVG pictures, or sending every relative URL away
    ('<svg><image href="https://p.example/x.png"/></svg>', ["https://p.example/x.png"]),
    ('<svg><image xlink:href="//p.example/y.png"/></svg>', ["//p.example/y.png"]),
    ('<base href="https://q.example/">', ["https://q.example/"]),
    # links, Windows paths and colons are not
    ('<a href="https:r.example/">链接</a>', []),
    ('<img src="C:\\图片\\a.png">', []),
    ('<p style="color:red">x</p><div data-x=\'{"a":"b"}\'>x</div>', []),
])
def test_find_outside_references(html, urls):
    """Only what a browser fetches by itself from another host is found."""
    assert [r.url for r in find_outside_references(html)] == urls


@pytest.mark.parametrize("theme, content, urls", [
    # "//" in a style block of the theme, with no other "//" outside a tag
    ("<style>p{background:url(//u.example/a.png)}</style>", "<p>x</p>", ["//u.example/a.png"]),
    ('<style>@import "https://u.example/b.css";</style>', "", ["https://u.example/b.css"]),
    # odd spellings are looked for in the content's style blocks, as in its tags
    ("", "<style>p{background:url(https:\\\\v.example/c.png)}</style>",
     ["https:\\\\v.example/c.png"]),
])
def test_style_blocks_of_the_whole_page_are_checked(theme, content, urls):
    """A style block outside the page's content is found by its "//"."""
    html = f"<html><head>{theme}</head><body>{content}</body></html>"
    assert [r.url for r in find_outside_references(html, content)] == urls


ODD_PAGE = """# 外链的其他写法

<img src="https:&#47;&#47;cdn.example/a.png">

<img src="https:\\\\cdn.example/b.png">

<video poster="https:cdn.example/c.jpg"></video>
"""


def test_odd_spellings_fail_the_build_and_check(make_site):
    """A URL spelled without "//" but read by the browser as another host is the page's
    mistake, by line where it stands as written, in the build and in `qinglian check`."""
    site = make_site({"content/lessons/odd.md": ODD_PAGE})
    expected = ("content/lessons/odd.md: <img src> loads 'https://cdn.example/a.png'",
                "content/lessons/odd.md:5: <img src> loads 'https:\\\\cdn.example/b.png'",
                "content/lessons/odd.md:7: <video poster> loads 'https:cdn.example/c.jpg'")
    log = site.failed_build_log()
    check = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=site.root,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 1
    for line in expected:
        assert line in log and line in check.stdout
    assert "comes from mkdocs.yml" not in log


def test_find_cdn_fences():
    """Mermaid fences are found in every fence style; ordinary code is not."""
    text = "```mermaid\n```\n~~~ mermaid\n~~~\n``` {.mermaid}\n```\n```python\n```\n"
    assert find_cdn_fences(text) == [(1, "mermaid"), (3, "mermaid"), (5, "mermaid")]


def test_bad_page_fails_strict_build_with_file_and_line(make_site):
    """Every outside reference and the mermaid fence are reported with file:line."""
    site = make_site({"content/lessons/bad.md": BAD_PAGE})
    log = site.failed_build_log()
    assert "content/lessons/bad.md:7: <img src> loads 'https://example.com/logo.png'" in log
    assert "content/lessons/bad.md:9: <iframe src> loads '//video.example.com/embed/1'" in log
    assert "content/lessons/bad.md:11: CSS url() in <div style> loads 'http://example.com/bg.jpg'" in log
    assert "content/lessons/bad.md:13: CSS @import in <style> loads 'https://fonts.example.com/css'" in log
    assert "content/lessons/bad.md:15: a 'mermaid' fence cannot be shown offline" in log
    assert "nhc.gov.cn" not in log
    assert "download the file into the page's folder" in log


def test_check_finds_them_without_building(make_site):
    """`qinglian check` names the same references and fence by file and line; markup
    shown as code (highlighted or not, it is text) is not one."""
    shown = '\n```html\n<img src="https://code.example/shown.png">\n```\n'
    site = make_site({"content/lessons/bad.md": BAD_PAGE + shown})
    result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=site.root,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    for line in ("content/lessons/bad.md:7: <img src> loads 'https://example.com/logo.png'",
                 "content/lessons/bad.md:9: <iframe src> loads '//video.example.com/embed/1'",
                 "content/lessons/bad.md:11: CSS url() in <div style> loads 'http://example.com/bg.jpg'",
                 "content/lessons/bad.md:13: CSS @import in <style> loads 'https://fonts.example.com/css'",
                 "content/lessons/bad.md:15: a 'mermaid' fence cannot be shown offline"):
        assert line in result.stdout
    assert "code.example" not in result.stdout and "nhc.gov.cn" not in result.stdout
    assert "Traceback" not in result.stderr


def test_outside_script_in_config_is_reported_once(make_site):
    """An outside script from mkdocs.yml is named once for the whole site, not per page."""
    site = make_site(config={"extra_javascript": ["https://cdn.example/x.js"]})
    log = site.failed_build_log()
    assert log.count("'https://cdn.example/x.js'") == 1
    assert "comes from mkdocs.yml" in log


def test_clean_site_builds(make_site):
    """Control: the fixture site without mistakes passes --strict."""
    assert make_site().build().returncode == 0


def test_offline_plugin_replaces_unpkg_shim(make_site):
    """With Material's offline plugin on, no page mentions unpkg.com and our shim is used."""
    site = make_site(config={"plugins": {"material/offline": {}}})
    assert site.build().returncode == 0
    html = site.read("index.html")
    assert "unpkg.com" not in html
    assert "assets/qinglian/iframe-worker." in html


def test_without_our_shim_material_would_reach_unpkg(make_site):
    """Control: turning our worker off lets Material add unpkg, which the guard rejects."""
    site = make_site(config={"plugins": {
        "material/offline": {}, "qinglian/offline": {"search_worker": False},
    }})
    log = site.failed_build_log()
    assert "'https://unpkg.com/iframe-worker/shim'" in log


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='<>/ab1 ="\n', max_size=60))
def test_tags_holding_slashes_matches_the_tag_pattern(html):
    """The str.find scan yields exactly the tags the plain regex would find."""
    pattern = re.compile(r"<[a-zA-Z][^<>]*//[^<>]*>")
    tags, loose = _tags_holding_slashes(html)
    assert tags == pattern.findall(html)
    assert loose == (html.count("//") > sum(tag.count("//") for tag in tags))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='<>/\\&:pS a="\n\t', max_size=60))
def test_odd_tag_pattern_matches_its_plain_form(html):
    """The possessive pattern finds exactly the tags its plain, slow form finds."""
    plain = re.compile(r"<[a-zA-Z][^<>]*?(?:[\\&]|/[\t\n\r]|(?<=[pPsS\t\n\r]):)[^<>]*>")
    assert _ODD_TAG.findall(html) == plain.findall(html)
