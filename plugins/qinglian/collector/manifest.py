"""What each site published, from the manifests its build writes (``site/qinglian-manifest.json``).

With manifests the collector accepts only records of those sites, pledges
whose (id, version, sha256) the site published, and staff in the site's
departments (when it lists any: without a list, the department is free text).
A pledge version may carry two hashes after a minor text fix: both were
published, so both are valid.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ..common.i18n import DEFAULT_LANGUAGE
from ..common.records import person_kind
from .errors import SetupError

_SHAPE = {
    "type": "object",
    "required": ["site"],
    "properties": {
        "site": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
        "language": {"type": "string"},
        "departments": {"type": "array", "items": {"type": "string", "minLength": 1}},
        # A route's id names its report folder, routes/<id>: a slug, never '..' or 'a/b'
        "paths": {"type": "object", "propertyNames": {"pattern": "^[a-z0-9-]{1,64}$"},
                  "additionalProperties": {
                      "type": "object", "required": ["title", "steps"],
                      "properties": {"title": {"type": "string"}, "steps": {
                          "type": "array", "items": {
                              "type": "object", "required": ["id", "kind"],
                              "properties": {
                                  "id": {"type": "string"},
                                  "kind": {"enum": ["read", "quiz", "pledge"]},
                                  "pages": {"type": "array",
                                            "items": {"type": "string"}}}}}}}},
        # renew_every of each pledge that sets one, in days (the reports' lapsed signatures)
        "renew_days": {"type": "object",
                       "additionalProperties": {"type": "integer", "minimum": 1}},
        "pledges": {
            "type": "object",
            "additionalProperties": False,
            "patternProperties": {"^[a-z0-9-]{1,64}$": {"type": "array", "items": {
                "type": "object",
                "required": ["version", "sha256"],
                "properties": {"version": {"type": "string", "minLength": 1},
                               "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
            }}},
        },
    },
}


@dataclass(frozen=True)
class SiteManifest:
    """One site's departments and published pledge texts."""

    site: str
    departments: frozenset[str]
    # (pledge id, version, sha256) -> who signs it (staff, family, supplier)
    pledges: dict[tuple[str, str, str], str | None]
    # pledge id -> its current version (the lock's last) and that version's hashes
    current_pledges: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    # route id -> {"title": …, "steps": [...]}, as the path plugin wrote it
    paths: dict[str, dict] = field(default_factory=dict)
    # theme.language of the site's build (manifests written before it had one: zh)
    language: str = DEFAULT_LANGUAGE

    @property
    def route_quizzes(self) -> frozenset[str]:
        """The quizzes that steps of its routes name."""
        return frozenset(step["quiz"] for route in self.paths.values()
                         for step in route["steps"] if step["kind"] == "quiz")


def of_quizzes(record: dict, quizzes) -> bool:
    """Whether ``record`` is read when only the attempts at ``quizzes`` count (a report,
    a certificate): any record but an attempt at another quiz. Practice quizzes'
    attempts, answers and all, are most of a year's records."""
    return record["kind"] != "attempt" or record["attempt"].get("quiz_id") in quizzes


class Manifests:
    """The sites a collector serves; with none, it serves any site and any pledge text."""

    def __init__(self, sites: dict[str, SiteManifest] | None = None,
                 files: tuple[Path, ...] = ()):
        self.sites = sites or {}
        # The files the sites were read from, and how they looked just before: see refresh
        self.files = files
        self._stamps = _stamps(files)

    @classmethod
    def load(cls, paths: list[Path]) -> Manifests:
        """Read one manifest per site; raise SetupError naming the file and the problem."""
        manifests = cls(files=tuple(paths))
        manifests.sites = _read_sites(manifests.files)
        return manifests

    def refresh(self) -> None:
        """Read the files again if any changed since: a site published anew (a pledge
        text, a department, a route) is served without restarting the collector. A file
        that cannot be read now (copied half-way, removed) leaves the sites as they were."""
        stamps = _stamps(self.files)
        if stamps == self._stamps:
            return
        self._stamps = stamps
        try:
            self.sites = _read_sites(self.files)
        except SetupError as error:
            log.warning("%s; the collector goes on with the manifests it read before, and "
                        "reads them again when the file changes", error)
            return
        log.info("read the manifests again, as %s changed",
                 ", ".join(f"'{path}'" for path in self.files))

    @property
    def language(self) -> str:
        """The language of pages not about one site: the sites' own when they share one."""
        languages = {site.language for site in self.sites.values()}
        return languages.pop() if len(languages) == 1 else DEFAULT_LANGUAGE

    def problems(self, record: dict) -> list[str]:
        """Return what ``record`` (valid against the schema) claims that no site published."""
        if not self.sites:
            return []
        site = self.sites.get(record["site"])
        if site is None:
            return [f"site: '{record['site']}' is not a site this collector serves; "
                    "start the collector with that site's --manifest"]
        problems = []
        department = record["person"].get("department")  # only staff have one
        if department is not None and site.departments and department not in site.departments:
            # Quoted as a literal: an invisible character is why it is none, and a C1
            # control (which the schema lets through) would reach the admin's terminal
            problems.append(f"person.department: {department!r} is not a department of site "
                            f"'{site.site}'; choose one from the site's list")
        pledge = record.get("pledge")
        key = pledge and (pledge["id"], pledge["version"], pledge["sha256"])
        audience = site.pledges.get(key) if pledge else None
        if audience and audience != person_kind(record["person"]):
            problems.append(f"person: pledge '{pledge['id']}' is signed by {audience}, not by "
                            f"{person_kind(record['person'])}; use the form on that pledge's page")
        if pledge and key not in site.pledges:
            problems.append(f"pledge.sha256: pledge '{pledge['id']}' version {pledge['version']!r} "
                            f"with this hash was not published by site '{site.site}'; reload the "
                            "page to sign the current text, or give the collector the site's "
                            "current manifest")
        return problems


def _read_sites(paths: tuple[Path, ...]) -> dict[str, SiteManifest]:
    sites: dict[str, SiteManifest] = {}
    origins: dict[str, Path] = {}
    for path in paths:
        manifest = _read(path)
        if manifest.site in sites:
            raise SetupError(f"manifests '{origins[manifest.site]}' and '{path}' are both for "
                             f"site '{manifest.site}'; give one manifest per site")
        sites[manifest.site] = manifest
        origins[manifest.site] = path
    return sites


def _stamps(paths: tuple[Path, ...]) -> list[tuple[int, int, int] | None]:
    """How each file looks from outside (changed, size, inode): one stat, no read."""
    stamps = []
    for path in paths:
        try:
            status = path.stat()
        except OSError:
            stamps.append(None)
        else:
            stamps.append((status.st_mtime_ns, status.st_size, status.st_ino))
    return stamps


def _read(path: Path) -> SiteManifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SetupError(f"cannot read manifest '{path}': {error.strerror}; give the "
                         "qinglian-manifest.json of a built site") from None
    except ValueError as error:
        raise SetupError(f"manifest '{path}' is not JSON ({error}); give the "
                         "qinglian-manifest.json of a built site") from None
    problem = best_match(Draft202012Validator(_SHAPE).iter_errors(data))
    if problem is not None:
        where = ".".join(str(part) for part in problem.absolute_path) or "manifest"
        raise SetupError(f"manifest '{path}': {where}: {problem.message}; rebuild the site "
                         "to write a fresh manifest")
    return SiteManifest(
        site=data["site"],
        departments=frozenset(data.get("departments", [])),
        pledges={(pledge_id, entry["version"], entry["sha256"]): entry.get("audience")
                 for pledge_id, entries in data.get("pledges", {}).items()
                 for entry in entries},
        current_pledges={pledge_id: (entries[-1]["version"], frozenset(
            entry["sha256"] for entry in entries if entry["version"] == entries[-1]["version"]))
            for pledge_id, entries in data.get("pledges", {}).items() if entries},
        paths=data.get("paths", {}),
        language=data.get("language", DEFAULT_LANGUAGE),
    )


log = logging.getLogger("qinglian.collector")
