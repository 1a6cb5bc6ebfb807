"""Pledges: front matter, the hash of the signed text, and the lock of published versions.

A signature names a pledge by (id, version, sha256). The hash covers the
words a person read: the page's Markdown body after NFC normalisation, LF
line endings and trimming, without the front matter and the ```pledge block.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..common.errors import ContentProblem, device_name, device_named, did_you_mean, undevice_name
from ..common.fences import find_fences
from ..common.hashing import sha256_hex
from ..common.pages import conflict_line, load_front_matter, split_front_matter
from ..common.records import AUDIENCES
from ..common.yamlio import LineDict

PLEDGE_KEYS = ("id", "audience", "version", "title", "renew_every", "minor_change")
ID = re.compile(r"^[a-z0-9-]{1,64}$")
RENEW = re.compile(r"^(\d+)([dwmy])$")
DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
# What a fix shows for each required key (a version is text: quoted, "1.10" is not 1.1)
EXAMPLES = {"id": "'id: staff'", "version": "'version: \"1\"'", "title": "'title: 职工廉洁承诺书'",
            "audience": " or ".join(f"'audience: {audience}'" for audience in AUDIENCES)}


@dataclass(frozen=True)
class Pledge:
    id: str
    audience: str
    version: str
    title: str
    renew_days: int | None
    minor_change: bool
    sha256: str
    text: str  # the normalised words that were hashed
    path: str
    line: int  # where 'pledge:' stands in the file


def signed_text(body: str) -> str:
    """Return the words a signature covers: ``body`` (LF line endings) without pledge
    blocks, in NFC and trimmed."""
    lines = body.split("\n")
    for fence in sorted(find_fences("\n".join(lines), {"pledge"}), key=lambda f: -f.start):
        del lines[fence.start - 1:fence.end]
    return unicodedata.normalize("NFC", "\n".join(lines)).strip()


def read_pledge(source: str, path: str) -> tuple[Pledge | None, list[ContentProblem]]:
    """Return the pledge a page declares (None when it declares none) and its problems."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(source)
    if "pledge" not in front:
        return None, []
    # Words no one wrote must never be locked and signed
    conflict = conflict_line(source)
    if conflict:
        return None, [ContentProblem(path, conflict, "the page has git merge conflict markers",
                                     "keep the text of one side, delete the marker lines "
                                     "(<<<<<<<, =======, >>>>>>>), then check 'version'")]
    meta, problems = load_front_matter(source, path)
    if problems:
        return None, problems
    if not isinstance(meta, LineDict) or "pledge" not in meta:
        return None, []
    line = meta.line_of("pledge") + 1  # +1: the opening --- line
    data = meta["pledge"]
    if not isinstance(data, LineDict):
        return None, [ContentProblem(path, line, "'pledge' must be a mapping",
                                     "write id, audience, version and title under 'pledge:'")]
    problems = []

    def problem(key, message, fix):
        where = data.line_of(key) + 1 if key else line
        problems.append(ContentProblem(path, where, message, fix))

    for key in data:
        if key not in PLEDGE_KEYS:
            problem(key, f"unknown key '{key}' under 'pledge'" + did_you_mean(key, PLEDGE_KEYS),
                    f"use only {', '.join(PLEDGE_KEYS)}")
    for key in ("id", "audience", "version", "title"):
        if data.get(key) in (None, ""):
            problem(None, f"'pledge' is missing '{key}'", f"add {EXAMPLES[key]} under 'pledge:'")
    pledge_id, audience = str(data.get("id", "")), data.get("audience")
    if data.get("id") and not ID.fullmatch(pledge_id):
        problem("id", f"pledge id {pledge_id!r} may hold only a-z, 0-9 and -", "write e.g. id: staff")
    elif data.get("id") and device_name(pledge_id):
        # pledge lock archives each version's text under archive/<id>/
        problem("id", "pledge id " + device_named(
                    pledge_id, f"the folder of its archived texts, archive/{pledge_id}/,"),
                f"write another id, e.g. id: {undevice_name(pledge_id)}")
    if audience and audience not in AUDIENCES:
        problem("audience", f"unknown audience '{audience}'", f"use one of {', '.join(AUDIENCES)}")
    for key in ("id", "version", "title"):
        if isinstance(data.get(key), (dict, list, bool)):
            problem(key, f"'{key}' under 'pledge' must be text, not {data[key]!r}",
                    f"write e.g. {EXAMPLES[key]}")
    renew = data.get("renew_every")
    match = RENEW.fullmatch(str(renew)) if renew is not None else None
    if renew is not None and not match:
        problem("renew_every", f"renew_every '{renew}' is not a period",
                "write a number and d, w, m or y, e.g. renew_every: 1y")
    minor = data.get("minor_change", False)
    if not isinstance(minor, bool):
        problem("minor_change", f"minor_change '{minor}' is not true or false",
                "write minor_change: true for a typo fix, or leave it out")
    if problems:
        return None, problems
    text = signed_text(body)
    return Pledge(pledge_id, audience, str(data["version"]), str(data["title"]),
                  int(match.group(1)) * DAYS[match.group(2)] if match else None,
                  minor, sha256_hex(text), text, path, line), []
