"""MkDocs adapter for the portal: folder-derived sections and the hospital's branding."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import get_files
from mkdocs.utils import markdown_extensions

from ..common.errors import device_name, device_named, did_you_mean, shown_path, undevice_name
from ..common.i18n import translate
from ..common.pages import front_matter_problems, read_source
from ..scaffold import PAGE_KINDS, leftover_placeholders
from .channels import REPORT_TEMPLATE, with_channels
from .config import HospitalConfig, PortalConfig
from .links import (dead_html_links, dead_link_problem, dead_markdown_links,
                    excluded_link_problem, find_link, link_line, mark_outside_links, site_url_of)
from .privacy import personal_data
from .sections import build_nav


# An id our plugins write into a page (always ' id="…"'), which a link's #anchor may
# name; those the Markdown wrote MkDocs knows already. (Matching the tag around it
# too took five times as long on every page.)
ANCHOR_ID = re.compile(r' id="([^"]+)"')

# What MkDocs says, only at INFO, of a link to a file it leaves out of the site
EXCLUDED_LINK = re.compile(r"Doc file '(.+)' contains a link to '(.+)' which is excluded "
                           r"from the built site\.")
# What MkDocs says of a link to no file, without its line
NOT_FOUND_LINK = re.compile(r"Doc file '(.+)' contains a link '(.+)', but the target(?: '.+')? "
                            r"is not found among documentation files\.(?: Did you mean '.+'\?)?")

# Where the red box of problems goes on a previewed page (see on_page_content)
PROBLEMS_PLACE = "<!-- qinglian: build problems -->"


class PortalPlugin(BasePlugin[PortalConfig]):

    def __init__(self):
        self.serving = False
        self.problems = _Problems()
        self.link_notes = _LinkNotes()

    # Keep each build's content problems: in `mkdocs serve` they also go on the
    # previewed page, and one already said is not said again (defining on_startup
    # keeps this instance, and its handler, across rebuilds)
    def on_startup(self, *, command, dirty):
        self.serving = command == "serve"
        logging.getLogger("mkdocs.plugins.qinglian").addHandler(self.problems)
        logging.getLogger("mkdocs.structure.pages").addFilter(self.link_notes)

    # A new build: only its own problems count (run before every plugin's
    # on_config: the glossary, at 90, reports its terms file's problems there)
    @event_priority(1000)
    def _forget_problems(self, config):
        self.problems.messages.clear()

    # Derive the navigation from content folders (run early, so other plugins
    # that read config.nav in their on_config see the finished one)
    @event_priority(50)
    def _derive_sections(self, config):
        if not self.config.enabled:
            return

        config.extra["hospital"], problems = _resolve_hospital(
            config.extra.get("hospital"), shown_path(config.config_file_path, config.config_file_path))
        for problem in problems:
            log.warning(problem)
        if config.nav is not None:
            log.info("mkdocs.yml sets 'nav', so sections are not derived from folders")
            return

        config.nav, problems = self._derive_nav(config)
        for problem in problems:
            log.warning(problem)

    # A link to a file exclude_docs or draft_docs leave out (an archived pledge,
    # glossary/terms.yml) is dead in the built site, yet MkDocs only says so at INFO:
    # make it a warning naming the line, unless validation asks for less; and name
    # the line of a link to no file (Lessons\\Standard-1.md), with the file meant
    def _name_dead_links(self, config):
        enabled = self.config.enabled and config.validation.links.not_found >= logging.WARNING
        self.link_notes.config = config if enabled else None

    # A logo that is no file of the site is a broken image in every page's header,
    # and neither MkDocs nor Material says so
    def _check_logo(self, config):
        if not self.config.enabled:
            return

        problem = _missing_logo(config.extra["hospital"], config)
        if problem:
            log.warning(f"{shown_path(config.config_file_path, config.config_file_path)}: {problem}")

    on_config = CombinedEvent(_forget_problems, _derive_sections, _check_logo, _name_dead_links)

    # Name a page that is not UTF-8 or cannot be read (MkDocs stops with a
    # traceback; while previewing, the page is shown empty under the red box, as
    # a build that stops leaves the browser waiting on a stale page), front
    # matter that MkDocs would show as text, and a placeholder of `qinglian new`
    # left in the page (it would be published as its title); leave out a roster,
    # a record export or the collector's database dropped into the content folder
    # (it would be published with names and 工号)
    def _read_pages(self, files, *, config):
        if not self.config.enabled:
            return

        own_keys = tuple(self.config.front_matter_keys)
        for file in files.documentation_pages():
            where = file.abs_src_path
            shown = shown_path(where, config.config_file_path)
            text, problem = read_source(Path(where), shown)
            if problem and not self.serving:
                raise PluginError(str(problem))
            if problem:
                log.warning(str(problem))
                text = ""
            for problem in front_matter_problems(text, shown, own_keys):
                # The cases, gallery and pledge plugins read their pages' front matter too
                if not self.problems.said(str(problem)):
                    log.warning(str(problem))
            for problem in leftover_placeholders(text, shown, PAGE_KINDS):
                log.warning(str(problem))
            # MkDocs, the route plugin and the block plugins then read the page
            # from here, not from disk again (the setter forgets the path: put it
            # back). With --dirty, every page then counts as changed.
            file.content_string = text
            file.abs_src_path = where
        for file, problem in _personal_files(files, config):
            files.remove(file)
            log.warning(problem)
        for problem in _misnamed_pages(files, config) + _device_named_files(files, config):
            log.warning(problem)

    # Note every file of the site, which links are checked against (run last, when
    # the other plugins have added theirs)
    @event_priority(-100)
    def _note_site_files(self, files, *, config):
        if self.config.enabled:
            self.link_notes.site = _SiteFiles.of(files)

    on_files = CombinedEvent(_read_pages, _note_site_files)

    # A title that is not text (title: 2024) was said in on_files; templates and the
    # other plugins get it as text, so the build ends on that warning, not a traceback
    # (run first: the others read titles)
    @event_priority(100)
    def _title_as_text(self, markdown, *, page, config, files):
        title = page.meta.get("title")
        if self.config.enabled and title is not None and not isinstance(title, str):
            page.meta["title"] = str(title)

    # Name a raw <a href> that leads nowhere in this build: Markdown leaves it as
    # written and MkDocs checks only Markdown's links (the source, for its lines)
    def _check_html_links(self, markdown, *, page, config, files):
        if not self.config.enabled or page.file.inclusion.is_excluded():
            return
        site = self.link_notes.site
        shown = shown_path(page.file.abs_src_path, config.config_file_path)
        for problem in dead_html_links(page.file.content_string, page.file.src_uri, shown,
                                       page.file.url, site.sources, site.urls):
            log.log(config.validation.links.not_found, str(problem))

    on_page_markdown = CombinedEvent(_title_as_text, _check_html_links)

    # While previewing, every page shows the problems until they are fixed: each
    # page keeps a place for them, filled once every page's Markdown has been
    # read (a page read earlier would not list the problems of one read later)
    def _keep_problems_place(self, html, *, page, config, files):
        if self.serving:
            return PROBLEMS_PLACE + html

    # Mark the links to other sites, whose address a printout shows
    def _mark_outside_links(self, html, *, page, config, files):
        if self.config.enabled:
            return mark_outside_links(html)

    # The hospital's reporting channels on the 监督举报 page, where search indexes them
    def _show_report_channels(self, html, *, page, config, files):
        if self.config.enabled and page.meta.get("template") == REPORT_TEMPLATE:
            title = translate("report.channels", config.theme.get("language", "zh"))
            return with_channels(html, config.extra["hospital"]["report_channels"], title)

    # Let links reach the ids our plugins add to pages (a risk point's #r-001, a
    # glossary term, a standard on the case index): MkDocs knows only the ids the
    # Markdown wrote, so --strict failed on links that work (run last, when every
    # plugin has added its part)
    @event_priority(-100)
    def _note_added_anchors(self, html, *, page, config, files):
        if self.config.enabled and page.present_anchor_ids is not None:
            page.present_anchor_ids.update(ANCHOR_ID.findall(html))

    on_page_content = CombinedEvent(_keep_problems_place, _show_report_channels,
                                    _mark_outside_links, _note_added_anchors)

    def on_post_page(self, output, *, page, config):
        if not self.serving:
            return

        box = ""
        if self.problems.messages:
            language = config.theme.get("language", "zh")
            items = "".join(f"<li><code>{escape(message)}</code></li>"
                            for message in self.problems.messages)
            heading = translate("portal.problems", language, count=len(self.problems.messages))
            box = (f'<div class="ql-build-problems" role="alert"><p>{escape(heading)}</p>'
                   f"<ul>{items}</ul></div>")
        return output.replace(PROBLEMS_PLACE, box, 1)

    # Give templates the UI strings in the site's language
    def on_env(self, env, *, config, files):
        if not self.config.enabled:
            return

        language = config.theme.get("language", "zh")
        env.globals["qinglian_t"] = lambda key: translate(key, language)


    def check(self, config) -> list[str]:
        """Return the branding's and the navigation's problems, for ``qinglian check``."""
        problems = [] if config.nav is not None else self._derive_nav(config)[1]
        config_shown = shown_path(config.config_file_path, config.config_file_path)
        try:
            hospital, hospital_problems = _resolve_hospital(config.extra.get("hospital"),
                                                            config_shown)
        except PluginError as error:
            problems.append(str(error))
        else:
            logo = _missing_logo(hospital, config)
            problems += hospital_problems + ([f"{config_shown}: {logo}"] if logo else [])
        files = get_files(config)
        own_keys = tuple(self.config.front_matter_keys)
        personal = list(_personal_files(files, config))
        for file, _ in personal:
            files.remove(file)
        site = _SiteFiles.of(files)
        for file in files.documentation_pages():
            shown = shown_path(file.abs_src_path, config.config_file_path)
            text, problem = read_source(Path(file.abs_src_path), shown)
            if problem:
                problems.append(str(problem))
                continue
            problems += [str(p) for p in front_matter_problems(text, shown, own_keys)]
            problems += [str(p) for p in leftover_placeholders(text, shown, PAGE_KINDS)]
            problems += [str(p) for p in dead_markdown_links(text, file.src_uri, shown,
                                                             site.sources, site.excluded)]
            problems += [str(p) for p in dead_html_links(text, file.src_uri, shown, file.url,
                                                         site.sources, site.urls)]
        problems += [problem for _, problem in personal]
        problems += _misnamed_pages(files, config) + _device_named_files(files, config)
        return problems

    def _derive_nav(self, config):
        # A draft is previewed in `mkdocs serve` but not built: in the built site's
        # navigation it would be a dead link (the patterns looked up once, not per page)
        exclude, drafts = config.exclude_docs, None if self.serving else config.draft_docs

        def is_excluded(path: str) -> bool:
            return bool((exclude and exclude.match_file(path)) or (drafts and drafts.match_file(path)))

        home = self.config.home_title or translate("portal.home", config.theme.get("language", "zh"))
        return build_nav(Path(config.docs_dir), self.config.sections, home, is_excluded,
                         shown_path(config.config_file_path, config.config_file_path))


# -----------------------------------------------------------------------------


def _personal_files(files, config):
    """Yield (file, problem) for each file of the content folder that holds personal data."""
    docs = Path(config.docs_dir)
    for file in list(files):  # the caller removes them from files
        if (file.is_documentation_page() or file.inclusion.is_excluded()
                or not file.abs_src_path):
            continue
        path = Path(file.abs_src_path)
        if not path.is_relative_to(docs):
            continue  # the theme's files
        reason = personal_data(path)
        if reason:
            yield file, (f"{shown_path(str(path), config.config_file_path)}: looks like personal "
                         f"data ({reason}), so it is left out of the site; keep rosters, record "
                         f"exports and databases outside {docs.name}/")


def _misnamed_pages(files, config) -> list[str]:
    """Return a problem for each file of the content folder named as a page but not
    *.md: MkDocs publishes x.MD as a file to download, and x.markdown as a page that no
    section lists; no plugin of ours reads either (lessons, cases, exhibits are *.md)."""
    problems = []
    for file in files:
        src = file.src_uri
        if (src.endswith(".md") or not src.lower().endswith(markdown_extensions)
                or file.inclusion.is_excluded() or not file.abs_src_path
                or not Path(file.abs_src_path).is_relative_to(config.docs_dir)):
            continue
        name = PurePosixPath(src)
        shown = shown_path(file.abs_src_path, config.config_file_path)
        what = ("is published as a file to download, not as a page" if not file.is_documentation_page()
                else "is left out of the navigation and not read as a lesson, case or exhibit")
        problems.append(f"{shown}: a page must be named *.md (lower case), or it {what}; "
                        f"rename it to {name.stem}.md")
    return problems


def _device_named_files(files, config) -> list[str]:
    """Return a problem for each file or folder of the content folder named like a
    Windows device (cases/con.md, aux/): neither it nor the site published from it
    (cases/con/) can be copied to a ward PC or USB stick. Excluded files count too:
    they are in every copy of the project."""
    named: dict[str, str] = {}  # the device-named file or folder → "a file" or "a folder"
    for file in files:
        if not file.abs_src_path or not Path(file.abs_src_path).is_relative_to(config.docs_dir):
            continue
        parts = PurePosixPath(file.src_uri).parts
        for depth, part in enumerate(parts, start=1):
            if device_name(part):
                named["/".join(parts[:depth])] = "a file" if depth == len(parts) else "a folder"
                break
    problems = []
    for path, what in sorted(named.items()):
        shown = shown_path(str(Path(config.docs_dir, path)), config.config_file_path)
        name = PurePosixPath(path).name
        so_named = device_named(name, f"{what} so named, and the site published from it,")
        problems.append(f"{shown}: {so_named}; rename it, e.g. to {undevice_name(name)}")
    return problems


@dataclass(frozen=True)
class _SiteFiles:
    """What a link may lead to: the site's files by source path, and the URLs of those
    built (normalized by site_url_of); and the files exclude_docs or draft_docs leave
    out, by source path."""

    sources: frozenset[str] = frozenset()
    urls: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    @classmethod
    def of(cls, files) -> "_SiteFiles":
        return cls(frozenset(file.src_uri for file in files),
                   frozenset(site_url_of(file.url) for file in files
                             if not file.inclusion.is_excluded()),
                   frozenset(file.src_uri for file in files if file.inclusion.is_excluded()))


class _LinkNotes(logging.Filter):
    """Turns MkDocs' note of a link to a file left out of the site into a warning, and
    its warning of a link to no file into one that names the line and the file meant
    (the note is read, not the page again: no cost to pages without such links)."""

    def __init__(self):
        super().__init__()
        self.config = None  # the build's, while such links are to be warned of
        self.site = _SiteFiles()  # the build's files

    def filter(self, record):
        if not self.config:
            return True
        message = record.getMessage()
        excluded = EXCLUDED_LINK.fullmatch(message) if record.levelno == logging.INFO else None
        missing = (NOT_FOUND_LINK.fullmatch(message) if record.levelno >= logging.WARNING
                   else None)
        if not excluded and not missing:
            return True
        page, target = (excluded or missing).groups()
        path = Path(self.config.docs_dir, page)
        shown = shown_path(str(path), self.config.config_file_path)
        # A page that cannot be read the portal reports in on_files
        source, _ = read_source(path, shown)
        if missing:
            written = target  # MkDocs names the link as written
            line = link_line(source or "", written)
            log.log(record.levelno, str(dead_link_problem(page, shown, line, written,
                                                          self.site.sources)))
            return False
        line, written = find_link(source or "", page, target) or (None, target)
        log.warning(str(excluded_link_problem(shown, line, written, target)))
        return False


class _Problems(logging.Handler):
    """Keeps the warnings Qinglian's plugins log during a build."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def said(self, text: str) -> bool:
        """Say whether ``text`` was logged in this build (after the plugin's prefix)."""
        return any(message.endswith(text) for message in self.messages)



def _resolve_hospital(value, config_shown: str) -> tuple[HospitalConfig, list[str]]:
    """Validate ``extra.hospital``: return it and its warnings (an unknown key), or raise
    PluginError for its first error (a missing name). Each message starts with
    ``config_shown`` (mkdocs.yml, where it is fixed) and gives a value to write."""
    if not isinstance(value, dict):
        raise PluginError(
            f"{config_shown}: Config value 'extra.hospital': expected a mapping with at least "
            "'name' (the hospital's name shown in header and footer); write e.g. "
            f"'hospital: {{{_HOSPITAL_EXAMPLES['name']}}}' under 'extra:'"
        )
    hospital = HospitalConfig()
    hospital.load_dict(value)
    errors, warnings = hospital.validate()
    if errors:
        key, error = errors[0]
        # (site_id's own message gives one)
        example = None if "e.g." in str(error) else _HOSPITAL_EXAMPLES.get(key)
        fix = f"; write e.g. '{example}' under 'hospital:'" if example else ""
        raise PluginError(f"{config_shown}: Config value 'extra.hospital.{key}': "
                          f"{str(error).rstrip('.')}{fix}")
    return hospital, [f"{config_shown}: Config value 'extra.hospital.{key}': "
                      f"{str(warning).rstrip('.')}{did_you_mean(key, _HOSPITAL_EXAMPLES)}; "
                      f"use only {', '.join(_HOSPITAL_EXAMPLES)}" for key, warning in warnings]


# A value to write for each key of extra.hospital, as a line of mkdocs.yml
_HOSPITAL_EXAMPLES = {
    "name": "name: 示例人民医院",
    "short_name": "short_name: 示例医院",
    "logo": "logo: assets/logo.png",
    "contact": "contact: [廉政监督电话：0000-00000000]",
    "report_channels": "report_channels: [{name: 举报电话, detail: 0000-00000000}]",
    "departments": "departments: [内科, 外科]",
    "site_id": "site_id: qingshan-hospital",
    "collector_url": "collector_url: http://lianzheng.hospital.local/api/v1/records",
}


def _missing_logo(hospital: HospitalConfig, config) -> str | None:
    """Say what is wrong with a logo (extra.hospital's, else Material's theme.logo, as
    theme/partials/logo.html picks it) that is no file of content/ or the theme."""
    key, logo = "extra.hospital.logo", hospital.logo
    if not logo:
        key, logo = "theme.logo", config.theme.get("logo")
    if not logo or "://" in logo:
        return None  # another host's: the offline plugin names it
    if any(Path(folder, logo).is_file() for folder in (config.docs_dir, *config.theme.dirs)):
        return None
    docs = Path(config.docs_dir).name
    return (f"Config value '{key}': '{logo}' is no file of {docs}/, so every page shows a "
            f"broken image; put the image in {docs}/ (e.g. {docs}/assets/logo.png) and write "
            f"its path relative to {docs}/ (assets/logo.png)")


log = get_plugin_logger(__name__)
