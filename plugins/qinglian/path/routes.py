"""Routes (quizzes/paths/*.yml): the ordered steps of a guided course, checked.

A route names pages to read, a quiz to pass and a pledge to sign by the ids
they have elsewhere, so every reference is checked against the site: the
pages exist, the quiz is in the quiz library, the pledge is published for
staff, and the route, its certificate, the quiz and the pledge each stand on
a page to link to. Every mistake is a ContentProblem naming file and line;
a route with one is left out, never half-shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..common.errors import ContentError, ContentProblem, did_you_mean, meant_path
from ..common.fences import Fence, fence_id, find_fences
from ..common.pages import read_source
from ..common.yamlio import (LineDict, LineList, device_named_files, load_yaml, misnamed_files,
                             nested_files, trainer_files)

ID = re.compile(r"^[a-z0-9-]{1,64}$")  # the record schema's slug
KINDS = ("read", "quiz", "pledge")
# Words trainers reach for that name another kind, and no kind looks like
_KIND_MEANT = {word: f" ({what} step is kind: {kind})" for words, what, kind in (
    (("exam", "test", "考试", "测验"), "an exam or practice", "quiz"),
    (("lesson", "page", "学习", "阅读"), "a reading", "read"),
    (("sign", "承诺", "签署"), "a signing", "pledge"))
    for word in words}
ROUTE_KEYS = ("title", "min_read_seconds", "steps")
STEP_KEYS = {"read": ("id", "kind", "title", "pages", "min_read_seconds"),
             "quiz": ("id", "kind", "title", "quiz"),
             "pledge": ("id", "kind", "title", "pledge")}
DEFAULT_MIN_READ_SECONDS = 60
MAX_READ_SECONDS = 3600
STEP_MAX = 200  # a progress record's "<step id>:<page>" (record.schema.json)
FENCES = ("path", "certificate")  # the blocks that show a route and its certificate
LINKED = ("quiz", "pledge", *FENCES)  # the blocks whose pages a route links to


@dataclass(frozen=True)
class Step:
    id: str
    kind: str  # read, quiz or pledge
    title: str
    line: int
    pages: tuple[str, ...] = ()  # read: docs paths (src_uri)
    min_read_seconds: int = 0  # read: time on a page before it can be marked studied
    quiz: str = ""  # quiz: the quiz to pass, and its pass mark
    pass_mark: float = 0
    pledge: str = ""  # pledge: the pledge to sign, its current version and that
    version: str = ""  # version's published hashes (more than one after a typo fix)
    hashes: tuple[str, ...] = ()
    page: str = ""  # quiz, pledge: the page showing it


@dataclass(frozen=True)
class Route:
    id: str  # the file name
    title: str
    steps: tuple[Step, ...]
    landing: str  # the page showing the route (```path block)
    certificate: str  # the page showing its certificate (```certificate block)


@dataclass(frozen=True)
class Site:
    """What routes may name."""

    pages: frozenset[str]  # every Markdown page (docs path)
    quizzes: dict[str, float]  # quiz id → pass mark (valid quizzes)
    broken_quizzes: frozenset[str]  # quizzes left out for their errors
    lock: dict  # the pledge lock: pledge id → published versions, oldest first
    blocks: dict[tuple[str, str], str]  # (block kind, id) → the first page showing it
    excluded: frozenset[str] = frozenset()  # pages exclude_docs or draft_docs leave out


@dataclass
class RouteLibrary:
    routes: dict[str, Route] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # route ids left out for their errors
    problems: list[ContentProblem] = field(default_factory=list)


def load_routes(folder: Path, shown_dir: str, site: Site) -> RouteLibrary:
    """Read every ``folder/*.yml`` (named ``shown_dir/…`` in messages) into a RouteLibrary."""
    library = RouteLibrary()
    library.problems += (misnamed_files(folder, shown_dir, "a route file")
                         + nested_files(folder, shown_dir, "a route file")
                         + device_named_files(folder, shown_dir, "a route file"))
    for path in trainer_files(folder, "*.yml"):
        problems: list[ContentProblem] = []
        route = _route(path, f"{shown_dir}/{path.name}", site, problems)
        library.problems += problems
        if route and not problems:
            library.routes[route.id] = route
        else:
            library.broken.add(path.stem)
    return library


def find_blocks(sources: dict[str, str]) -> dict[tuple[str, str], str]:
    """Return where each quiz, pledge, route and certificate block stands:
    (kind, id) → the first page showing it. ``sources``: docs path → Markdown."""
    blocks: dict[tuple[str, str], str] = {}
    for page, source in sorted(sources.items()):
        for fence in find_fences(source, set(LINKED)):
            block_id, _, problem = fence_id(fence, page)
            if not problem:
                blocks.setdefault((fence.language, block_id), page)
    return blocks


def resolve_fence(fence: Fence, path: str, library: RouteLibrary) -> tuple[str | None, ContentProblem | None]:
    """Return (route id, None) for a valid ```path or ```certificate block, or (None, the problem)."""
    route_id, line, problem = fence_id(fence, path)
    if problem:
        return None, problem
    if route_id in library.broken:
        return None, ContentProblem(path, line, f"route '{route_id}' is left out because its "
                                    "file has errors", "fix the errors reported for that file")
    if route_id not in library.routes:
        # A misspelt id may be the reason its route is broken (no page shows it)
        return None, ContentProblem(path, line, f"unknown route id '{route_id}'"
                                    + did_you_mean(route_id, [*library.routes, *library.broken]),
                                    "use the name of a file in quizzes/paths/ without .yml")
    return route_id, None


# -----------------------------------------------------------------------------


def _route(path: Path, shown: str, site: Site, problems: list[ContentProblem]) -> Route | None:
    data = _read(path, shown, problems)
    if problems:
        return None
    if not ID.fullmatch(path.stem):
        problems.append(ContentProblem(
            shown, 1, f"route id '{path.stem}' (the file name) may hold only a-z, 0-9 and -",
            "rename the file, e.g. onboarding.yml"))
        return None
    if not isinstance(data, LineDict):
        problems.append(ContentProblem(shown, getattr(data, "line", 1) or 1,
                                       "a route is a mapping of 'title:' and 'steps:'",
                                       "start the file with 'title: …'"))
        return None
    _unknown_keys(data, ROUTE_KEYS, "", shown, problems)
    title = _text(data, "title", shown, problems)
    seconds = _seconds(data, DEFAULT_MIN_READ_SECONDS, shown, problems)
    entries = data.get("steps")
    if not isinstance(entries, LineList) or not entries:
        problems.append(ContentProblem(
            shown, data.line_of("steps"),
            "'steps' must be a non-empty list" if "steps" in data else "missing 'steps'",
            "list the steps, each '- id: …' with its kind and title"))
        return None
    steps: list[Step] = []
    for entry, line in zip(entries, entries.item_lines):
        step = _step(entry, line, seconds, shown, site, problems)
        if step:
            steps.append(step)
    _repeats(steps, shown, problems)
    places = {kind: site.blocks.get((kind, path.stem)) for kind in FENCES}
    for kind, page in places.items():
        if page is None:
            problems.append(ContentProblem(
                shown, 1, f"route '{path.stem}' has no page with a ```{kind} block",
                f"add a block ```{kind} with 'id: {path.stem}' to the page that should show "
                + ("the route" if kind == "path" else "its certificate")))
    if problems:
        return None
    return Route(path.stem, title, tuple(steps), places["path"], places["certificate"])


def _step(entry, line: int, seconds: int, shown: str, site: Site,
          problems: list[ContentProblem]) -> Step | None:
    if not isinstance(entry, LineDict):
        problems.append(ContentProblem(shown, line, "a step is a mapping of 'id:', 'kind:', "
                                       "'title:' and what its kind needs",
                                       "check the indentation of this entry"))
        return None
    before = len(problems)
    step_id = _text(entry, "id", shown, problems)
    if step_id is not None and not ID.fullmatch(step_id):
        problems.append(ContentProblem(shown, entry.line_of("id"), f"step id '{step_id}' may "
                                       "hold only a-z, 0-9 and -", "write e.g. id: lessons"))
    title = _text(entry, "title", shown, problems)
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(ContentProblem(
            shown, entry.line_of("kind"),
            f"unknown kind '{kind}'" + (_KIND_MEANT.get(str(kind)) or did_you_mean(kind, KINDS))
            if "kind" in entry
            else "missing 'kind'", f"write kind: and one of {', '.join(KINDS)}"))
        return None
    _unknown_keys(entry, STEP_KEYS[kind], f" for a {kind} step", shown, problems)
    found: dict = {}
    if kind == "read":
        found = {"pages": _pages(entry, step_id or "", site, shown, problems),
                 "min_read_seconds": _seconds(entry, seconds, shown, problems)}
    elif kind == "quiz":
        found = _quiz(entry, site, shown, problems)
    else:
        found = _pledge(entry, site, shown, problems)
    if len(problems) > before:
        return None
    return Step(step_id, kind, title, entry.line_of("id"), **found)


def _pages(entry: LineDict, step_id: str, site: Site, shown: str,
           problems: list[ContentProblem]) -> tuple[str, ...]:
    pages = entry.get("pages")
    if not isinstance(pages, LineList) or not pages:
        problems.append(ContentProblem(
            shown, entry.line_of("pages"),
            "'pages' must be a non-empty list" if "pages" in entry else "missing 'pages'",
            "list the pages to read, e.g. pages: [lessons/standard-1.md]"))
        return ()
    for page, line in zip(pages, pages.item_lines):
        if isinstance(page, str) and page in site.excluded:
            problems.append(ContentProblem(
                shown, line, f"page '{page}' is left out of the site by exclude_docs or "
                "draft_docs in mkdocs.yml", "name a published page, or publish this one"))
        elif not isinstance(page, str) or page not in site.pages:
            problems.append(ContentProblem(
                shown, line, f"page '{page}' is not a page of the site"
                # Other letter case or "\\" (Windows opens either) first: sure, not a guess
                + (meant_path(str(page), site.pages) or did_you_mean(page, site.pages)),
                "give the path of a Markdown page relative to content/, e.g. lessons/index.md "
                "(folders separated by /, upper and lower case as in the file's name)"))
        elif len(f"{step_id}:{page}") > STEP_MAX:
            problems.append(ContentProblem(
                shown, line, f"step id and page '{page}' are longer than {STEP_MAX} characters "
                "together", "shorten the step id"))
    return tuple(pages)


def _quiz(entry: LineDict, site: Site, shown: str, problems: list[ContentProblem]) -> dict:
    quiz_id = _text(entry, "quiz", shown, problems)
    line = entry.line_of("quiz")
    if quiz_id is None:
        return {}
    if quiz_id in site.broken_quizzes:
        problems.append(ContentProblem(shown, line, f"quiz '{quiz_id}' is left out because "
                                       "its file has errors", "fix the errors reported for it"))
    elif quiz_id not in site.quizzes:
        problems.append(ContentProblem(shown, line, f"unknown quiz '{quiz_id}'"
                                       + did_you_mean(quiz_id, site.quizzes),
                                       "use the name of a file in quizzes/ without .yml"))
    elif ("quiz", quiz_id) not in site.blocks:
        problems.append(ContentProblem(shown, line, f"quiz '{quiz_id}' is on no page",
                                       f"add a block ```quiz with 'id: {quiz_id}' to a page"))
    else:
        return {"quiz": quiz_id, "pass_mark": site.quizzes[quiz_id],
                "page": site.blocks[("quiz", quiz_id)]}
    return {}


def _pledge(entry: LineDict, site: Site, shown: str, problems: list[ContentProblem]) -> dict:
    pledge_id = _text(entry, "pledge", shown, problems)
    line = entry.line_of("pledge")
    versions = site.lock.get(pledge_id) if pledge_id is not None else None
    if pledge_id is None:
        return {}
    if not versions:
        problems.append(ContentProblem(
            shown, line, f"pledge '{pledge_id}' is not published (not in pledges.lock.json)"
            + did_you_mean(pledge_id, site.lock),
            "name a pledge of content/pledges/ that 'qinglian pledge lock' has published"))
    elif versions[-1].get("audience") != "staff":
        problems.append(ContentProblem(
            shown, line, f"pledge '{pledge_id}' is signed by {versions[-1].get('audience')}, "
            "not by staff", "name a staff pledge, e.g. pledge: staff"))
    elif ("pledge", pledge_id) not in site.blocks:
        problems.append(ContentProblem(shown, line, f"pledge '{pledge_id}' is on no page",
                                       f"add a block ```pledge with 'id: {pledge_id}' to its page"))
    else:
        # A signature counts when it names the current version (the last one
        # published) with any text published under it
        version = versions[-1]["version"]
        return {"pledge": pledge_id, "version": version,
                "hashes": tuple(e["sha256"] for e in versions if e["version"] == version),
                "page": site.blocks[("pledge", pledge_id)]}
    return {}


def _repeats(steps: list[Step], shown: str, problems: list[ContentProblem]) -> None:
    """Report a step id or a page named twice: a page's progress names one step."""
    ids: dict[str, int] = {}
    pages: dict[str, str] = {}
    for step in steps:
        if step.id in ids:
            problems.append(ContentProblem(shown, step.line, f"duplicate step id '{step.id}' "
                                           f"(first on line {ids[step.id]})",
                                           "give every step of the route its own id"))
        ids.setdefault(step.id, step.line)
        for page in step.pages:
            if page in pages:
                problems.append(ContentProblem(shown, step.line, f"page '{page}' is already in "
                                               f"step '{pages[page]}'",
                                               "list each page in one step only"))
            pages.setdefault(page, step.id)


def _read(path: Path, shown: str, problems: list[ContentProblem]):
    text, problem = read_source(path, shown)
    if problem:
        problems.append(problem)
        return None
    try:
        return load_yaml(text, shown)
    except ContentError as error:
        problems.extend(error.problems)
        return None


def _unknown_keys(data: LineDict, allowed: tuple[str, ...], where: str, shown: str,
                  problems: list[ContentProblem]) -> None:
    for key in data:
        if key not in allowed:
            problems.append(ContentProblem(shown, data.line_of(key), f"unknown key '{key}'{where}"
                                           + did_you_mean(key, allowed),
                                           f"use only {', '.join(allowed)}"))


def _text(data: LineDict, key: str, shown: str, problems: list[ContentProblem]) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, (dict, list, bool)) or not str(value).strip():
        problems.append(ContentProblem(
            shown, data.line_of(key),
            f"'{key}' must be non-empty text" if key in data else f"missing '{key}'",
            f"write {key}: …"))
        return None
    return str(value).strip()


def _seconds(data: LineDict, default: int, shown: str, problems: list[ContentProblem]) -> int:
    value = data.get("min_read_seconds", default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_READ_SECONDS:
        problems.append(ContentProblem(
            shown, data.line_of("min_read_seconds"),
            f"'min_read_seconds' is {value!r}, not a whole number from 0 to {MAX_READ_SECONDS}",
            "write e.g. min_read_seconds: 60"))
        return default
    return value
