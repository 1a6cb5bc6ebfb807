"""The repository's own site, built with --strict in both flavours, read as HTML."""

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import PROJECT, site_pages

SECTIONS = ["首页", "九项准则", "警示案例", "清廉文化", "承诺", "入职培训", "测验"]

# What a browser fetches by itself: src of any element, href of a stylesheet
# link, CSS url() and @import. Absolute http(s) or protocol-relative URLs.
OUTSIDE = r"(?:https?:)?//[^\s\"'()<>]+"
TAG_SRC = re.compile(r"<(\w+)[^>]*?\s(?:src|data|poster)\s*=\s*[\"']?(" + OUTSIDE + ")", re.I)
LINK = re.compile(r"<link\b[^>]*>", re.I)
CSS_URL = re.compile(r"url\(\s*[\"']?(" + OUTSIDE + ")", re.I)
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*[\"']?(" + OUTSIDE + ")", re.I)


def outside_references(text: str) -> list[str]:
    """Every outside URL in ``text`` that a browser would fetch without a click."""
    found = [m.group(2) for m in TAG_SRC.finditer(text)]
    for tag in LINK.findall(text):
        rel = re.search(r"rel=[\"']?([\w\s-]+)", tag)
        href = re.search(r"href=[\"']?(" + OUTSIDE + ")", tag)
        if href and rel and rel.group(1).strip() in {"stylesheet", "preload", "preconnect",
                                                      "modulepreload", "icon", "manifest"}:
            found.append(href.group(1))
    found += CSS_URL.findall(text) + CSS_IMPORT.findall(text)
    return found


@pytest.fixture(scope="module", params=["intranet", "offline"])
def site(request):
    return request.getfixturevalue(f"{request.param}_site")


def test_pages_are_chinese(site):
    """Every page declares the site language zh."""
    for page in site_pages(site):
        assert '<html lang="zh"' in page.read_text(encoding="utf-8"), page


def test_pages_ask_dual_core_browsers_for_chromium(site):
    """Every page carries 360's renderer tag (honoured by QQ and Sogou too): without it
    such a browser may open an intranet page in its IE core, where no script runs.
    The QR poster sheets too: their paper and size controls are a script."""
    for page in site_pages(site, posters=True):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert '<meta name="renderer" content="webkit">' in head, page


def test_heading_links_are_named_in_chinese(intranet_site):
    """The ¶ link after each heading is named 本节链接, not Python-Markdown's
    "Permanent link", for the tooltip and for screen readers."""
    for page in site_pages(intranet_site):
        text = page.read_text(encoding="utf-8")
        assert "Permanent link" not in text and 'class="headerlink"' in text, page


def test_nav_has_every_section(site):
    """The top tabs list the seven sections in order."""
    html = (site / "index.html").read_text(encoding="utf-8")
    tabs = re.findall(r'class="md-tabs__link[^"]*"[^>]*>\s*([^<]+?)\s*<', html)
    assert [t for t in tabs if t in SECTIONS] == SECTIONS


def test_every_section_has_a_landing_page(site):
    """Each section's landing page has its own heading and says what the section is for."""
    for folder in ["lessons", "cases", "exhibits", "pledges", "onboarding", "quizzes",
                   "risks", "report", "glossary", "dashboard", "guide"]:
        html = (site / folder / "index.html").read_text(encoding="utf-8")
        article = html.split("<article", 1)[1].split("</article>", 1)[0]
        assert re.search(r"<h1[^>]*>[^<]+", article), folder
        paragraphs = re.findall(r"<p>([^<]{20,})", article)
        assert paragraphs, f"{folder}: no paragraph saying what the section is for"


def test_hospital_name_in_header_and_footer(site):
    """extra.hospital.name appears in the header and the footer of every page."""
    for page in site_pages(site):
        html = page.read_text(encoding="utf-8")
        header = html.split('<header', 1)[1].split('</header>', 1)[0]
        footer = html.split('<footer', 1)[1].split('</footer>', 1)[0]
        assert "示例人民医院" in header or "示例医院" in header, page
        assert "示例人民医院" in footer, page
        assert "廉政监督电话" in footer, page


def test_no_outside_references_in_pages(site):
    """No page fetches anything from another host."""
    for page in site_pages(site) + list(site.glob("404.html")):  # the intranet build's
        assert outside_references(page.read_text(encoding="utf-8")) == [], page


def test_no_outside_references_in_assets(site):
    """No stylesheet or script that the site ships fetches from another host."""
    for path in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        refs = CSS_URL.findall(text) + CSS_IMPORT.findall(text) if path.suffix == ".css" else []
        assert refs == [], path
    assert "unpkg.com" not in (site / "index.html").read_text(encoding="utf-8")


# The oldest browsers we support (README, Supported browsers) have a Chromium 86
# core: 360 安全浏览器 13 and QQ 浏览器 10. What they lack, in our styles: a
# property, unit or rule they ignore…
NEWER_CSS = {r"(?<![-\w])inset\s*:": "inset (Chromium 87)", r"aspect-ratio": "aspect-ratio (88)",
             r"color-mix\(": "color-mix() (111)", r"@container": "@container (105)",
             r"@layer": "@layer (99)", r"\d[dsl]vh\b": "dvh/svh/lvh (108)",
             r"accent-color": "accent-color (93)", r"&": "nesting (112)"}
# …selectors that drop the whole rule they are in, whatever else it names…
NEWER_SELECTOR = re.compile(r":(?:has|is|where)\(")
# …and in our scripts (ES5 syntax is checked by the minifier)
NEWER_JS = [".replaceAll(", ".at(", "structuredClone", "Object.hasOwn", ".replaceChildren(",
            "AbortSignal.", ".findLast", ".toSorted(", "Object.groupBy", "?.", "??"]


def css_rules(css: str) -> list[tuple[tuple[str, ...], str, str]]:
    """Return each rule of ``css`` as (the at-rules it sits in, its selector, its
    declarations)."""
    rules, around, prelude = [], [], ""
    for part in re.split(r"([{}])", css):
        if part == "{":
            around.append(prelude.rsplit(";", 1)[-1].strip())
        elif part == "}" and around:
            rules.append((tuple(around[:-1]), around.pop(), prelude.strip()))
        prelude = "" if part in "{}" else part
    return rules


def shipped_code(site) -> tuple[dict[str, str], dict[str, str]]:
    """Return our stylesheets and scripts as the site ships them, by name: the bundles,
    the theme's stylesheet, and what the poster sheets hold inline."""
    ours = list((site / "assets" / "qinglian").rglob("*.*")) + [site / "assets/stylesheets/qinglian.css"]
    code = {str(path): path.read_text(encoding="utf-8") for path in ours if path.suffix in {".css", ".js"}}
    sheet = next(site.rglob("*.posters.html"))
    for tag in ("style", "script"):
        code[f"{sheet} <{tag}>"] = "".join(re.findall(rf"<{tag}>(.*?)</{tag}>", sheet.read_text(encoding="utf-8"), re.S))
    # The theme's stylesheet is not minified: its comments may name what it avoids
    return ({name: re.sub(r"/\*.*?\*/", "", text, flags=re.S) for name, text in code.items()
             if name.endswith((".css", "<style>"))},
            {name: text for name, text in code.items() if name.endswith((".js", "<script>"))})


def test_shipped_code_works_in_chromium_86(site):
    """Our styles and scripts use nothing a Chromium 86 core lacks: a rule naming :has()
    is dropped whole there (the certificate printed its buttons) and inset: 0 ignored
    (a home card's text was no link), so :has() may only refine print in a rule of its
    own."""
    styles, scripts = shipped_code(site)
    assert len(styles) >= 5 and len(scripts) >= 5
    found = []
    for name, css in styles.items():
        found += [(name, what) for pattern, what in NEWER_CSS.items() if re.search(pattern, css)]
        for around, selector, _ in css_rules(css):
            selectors = re.split(r",(?![^()]*\))", selector)  # not the commas inside :is(…)
            newer = [one for one in selectors if NEWER_SELECTOR.search(one)]
            if newer and (len(newer) < len(selectors) or "@media print" not in around):
                found.append((name, selector))
    for name, js in scripts.items():
        found += [(name, token) for token in NEWER_JS if token in js]
    assert found == []


def test_data_files_are_not_published(site):
    """YAML data beside the pages (the glossary) stays out of the site."""
    assert list(site.rglob("*.yml")) == []


def test_glossary_page_lists_terms(site):
    """The glossary page shows the terms from content/glossary/terms.yml."""
    html = (site / "glossary" / "index.html").read_text(encoding="utf-8")
    assert '<dt id="term-统方">统方</dt>' in html


def test_search_index_keeps_domain_terms_whole(site):
    """jieba, fed by the glossary, segments 统方 as one word in the search index."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("\u200b统方\u200b" in doc["text"] for doc in index["docs"])


def test_search_index_leaves_out_filter_controls(site):
    """The gallery's and the register's filter controls stay out of the search index:
    their option labels ran together into one line of excerpt (全部第一条第二条…)."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = {doc["location"]: doc["text"].replace("\u200b", "") for doc in index["docs"]}
    filtered = [text for location, text in texts.items()
                if location.startswith(("exhibits/", "risks/"))]
    assert any("王冕" in text for text in filtered)  # the gallery's cards are still found
    assert not [text for text in filtered
                if "第一条第二条第三条" in text or "20262025" in text or "全部书法" in text]


def test_filters_keep_the_address_by_one_helper_without_a_request(intranet_site):
    """The register's and the gallery's menus keep their choice in the address by one
    helper (common/assets/filters.js), inside each page's one script of ours."""
    for page, stem in [("risks/index.html", "risks"), ("exhibits/index.html", "gallery")]:
        html = (intranet_site / page).read_text("utf-8")
        [script] = re.findall(r'<script src="[./]*(assets/qinglian/[\w-]+\.[0-9a-f]{8}\.js)"', html)
        assert script.startswith(f"assets/qinglian/{stem}."), page
        code = (intranet_site / script).read_text("utf-8")
        assert code.count("qinglianFilters") == 2 and "searchParams.set" in code  # defined, used


def test_file_build_has_no_404_page(intranet_site, offline_site):
    """No server shows the file:// build's 404 page, whose links start at the disk's
    root: it is left out there, and kept in the intranet build."""
    assert (intranet_site / "404.html").is_file()
    assert not (offline_site / "404.html").exists()


def test_page_not_found_speaks_the_sites_language(intranet_site):
    """The page a web server shows for a mistyped or old address says in Chinese that
    the page is not there and leads home (Material's said "404 - Not found")."""
    html = (intranet_site / "404.html").read_text(encoding="utf-8")
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert "Not found" not in article
    assert "<h1>找不到这个页面</h1>" in article
    assert '<a href="/.">返回首页</a>' in article


def test_offline_build_links_files_and_ships_worker(offline_site):
    """The file:// build links to .html files and ships our search worker, not unpkg's."""
    html = (offline_site / "index.html").read_text(encoding="utf-8")
    assert 'href="lessons/index.html"' in html
    shim = re.search(r'<script src="(assets/qinglian/iframe-worker\.[0-9a-f]{8}\.js)"', html)
    assert shim and (offline_site / shim.group(1)).is_file()
    # The index inlined for file://, as UTF-8: the same data as search_index.json
    script = (offline_site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert script.startswith("var __index = {") and "统方" in script
    assert not re.search(r"\\u[4-9a-f][0-9a-f]{3}", script)  # no escaped Chinese
    assert json.loads(script.removeprefix("var __index = ")) == json.loads(
        (offline_site / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_intranet_build_has_no_worker_shim(intranet_site):
    """Served over http, pages load no file:// shim."""
    assert not list(intranet_site.glob("assets/qinglian/iframe-worker*"))
    assert "iframe-worker" not in (intranet_site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("config", ["mkdocs.yml", "mkdocs.offline.yml"])
def test_builds_as_the_readme_runs_them(config, tmp_path):
    """From the project folder with a relative -f, as scripts/serve.sh builds."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=PROJECT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
