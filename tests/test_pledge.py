"""Pledges: the hash of the signed words, the lock rules, `qinglian pledge lock`, the build."""

import hashlib
import json
import re
import subprocess
import sys
import unicodedata

import pytest

from conftest import PROJECT, block_data, disk_full_past
from qinglian.cli import main
from qinglian.pledge.lock import lock_problems, update_lock
from qinglian.pledge.models import read_pledge

PLEDGE = """---
title: 承诺书
pledge:
  id: staff
  audience: staff
  version: "1"
  title: 职工廉洁承诺书
  renew_every: 1y
---

# 职工廉洁承诺书

本人承诺不收受红包。

```pledge
id: staff
```
"""


def pledge_of(source: str):
    pledge, problems = read_pledge(source, "content/pledges/staff.md")
    assert problems == []
    return pledge


def test_hash_covers_only_the_words_signed():
    """Front matter and the pledge block are not signed; line endings, Unicode form
    and surrounding space do not change the hash."""
    pledge = pledge_of(PLEDGE)
    assert pledge.text == "# 职工廉洁承诺书\n\n本人承诺不收受红包。"
    assert pledge.sha256 == hashlib.sha256(pledge.text.encode()).hexdigest()
    variants = [PLEDGE.replace("\n", "\r\n"), PLEDGE.replace("title: 承诺书", "title: 新标题"),
                unicodedata.normalize("NFD", PLEDGE), PLEDGE.replace("```\n", "```\n\n\n")]
    assert {pledge_of(v).sha256 for v in variants} == {pledge.sha256}
    # NFD leaves Chinese as it is: only letters with marks (pinyin, a name) decompose
    pinyin = PLEDGE.replace("红包", "红包（hóngbāo）")
    assert pledge_of(unicodedata.normalize("NFD", pinyin)).sha256 == pledge_of(pinyin).sha256
    assert pledge_of(PLEDGE.replace("红包", "礼金")).sha256 != pledge.sha256
    assert pledge.renew_days == 365 and pledge.line == 3


@pytest.mark.parametrize("change, line, message", [
    # replaced text in PLEDGE, reported line, message
    ("  audience: staff", 5, "unknown audience 'staf'"),
    ("  renew_every: 1y", 8, "renew_every 'yearly' is not a period"),
    ("  title: 职工廉洁承诺书", 7, "unknown key 'titel' under 'pledge' (did you mean 'title'?)"),
    ('  version: "1"', 3, "'pledge' is missing 'version' — add 'version: \"1\"' under 'pledge:'"),
    ("  audience: staff\n", 3, "'pledge' is missing 'audience' — add 'audience: staff' or "
                               "'audience: family' or 'audience: supplier' under 'pledge:'"),
    ("  id: staff", 4, "pledge id 'Staff' may hold only a-z, 0-9 and -"),
])
def test_front_matter_mistakes(change, line, message):
    """Each front-matter mistake names the file's own line (front matter counted)."""
    replacement = {"  audience: staff": "  audience: staf", "  renew_every: 1y": "  renew_every: yearly",
                   "  title: 职工廉洁承诺书": "  titel: 职工廉洁承诺书", '  version: "1"': "",
                   "  id: staff": "  id: Staff", "  audience: staff\n": ""}[change]
    pledge, problems = read_pledge(PLEDGE.replace(change, replacement), "content/pledges/staff.md")
    assert pledge is None
    assert any(str(p).startswith(f"content/pledges/staff.md:{line}: ") and message in str(p)
               for p in problems), [str(p) for p in problems]


def test_pledge_id_named_like_a_windows_device():
    """pledge lock archives a pledge's texts in archive/<id>/: an id Windows takes for a
    device (nul) makes a folder no Windows PC or USB stick can hold, so it is refused."""
    pledge, problems = read_pledge(PLEDGE.replace("  id: staff", "  id: nul"),
                                   "content/pledges/staff.md")
    assert pledge is None and [str(p) for p in problems] == [
        "content/pledges/staff.md:4: pledge id 'nul' is a name Windows keeps for a device "
        "(CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9): the folder of its archived texts, "
        "archive/nul/, cannot be copied to a Windows PC or USB stick — write another id, "
        "e.g. id: nul-1"]


def test_lock_rules():
    """New versions are added; a changed text needs a new version or minor_change."""
    v1 = pledge_of(PLEDGE)
    lock, added, refused = update_lock([v1], {}, __import__("datetime").date(2026, 11, 24))
    assert added == [v1] and refused == []
    assert lock["staff"] == [{"version": "1", "sha256": v1.sha256, "date": "2026-11-24",
                              "title": "职工廉洁承诺书", "audience": "staff",
                              "archive": f"archive/staff/1-{v1.sha256[:12]}.md"}]
    changed = pledge_of(PLEDGE.replace("红包", "礼金"))
    _, added, refused = update_lock([changed], lock, __import__("datetime").date(2026, 12, 1))
    assert added == [] and "changed but its version is still 1" in str(refused[0])
    typo = pledge_of(PLEDGE.replace("红包", "礼金").replace("  renew_every: 1y", "  renew_every: 1y\n  minor_change: true"))
    lock2, added, _ = update_lock([typo], lock, __import__("datetime").date(2026, 12, 1))
    assert [e["sha256"] for e in lock2["staff"]] == [v1.sha256, typo.sha256]
    assert lock2["staff"][1]["minor_change"] is True and lock2["staff"][1]["version"] == "1"
    # The same words for another audience: the form and the collector follow the lock
    family = pledge_of(PLEDGE.replace("audience: staff", "audience: family"))
    _, added, refused = update_lock([family], lock, __import__("datetime").date(2026, 12, 1))
    assert added == [] and [str(problem) for problem in refused] == [
        "content/pledges/staff.md:3: the audience of pledge 'staff' changed to family but its "
        "version is still 1 — bump 'version' (the form then asks for the new audience's details "
        "and people sign again), then run 'qinglian pledge lock'"]
    assert lock_problems(family, lock) == refused


def run_qinglian(site, *args):
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], capture_output=True,
                          text=True, cwd=site.root)


PLEDGE_CONFIG = {"plugins": {"qinglian/pledge": {},
                             "qinglian/portal": {"sections": {"lessons": "九项准则", "glossary": "术语表",
                                                              "pledges": "承诺"}}},
                 "exclude_docs": "*.yml\n*.lock.json\n/pledges/archive/\n"}


@pytest.fixture
def pledge_site(make_site):
    return make_site({"content/pledges/index.md": "# 承诺\n\n签署承诺书。\n",
                      "content/pledges/staff.md": PLEDGE}, config=PLEDGE_CONFIG)


def test_unlocked_pledge_fails_strict_until_locked(pledge_site):
    """A new pledge must be locked before it builds; `qinglian pledge lock` does it."""
    log = pledge_site.failed_build_log()
    assert "content/pledges/staff.md:3: pledge 'staff' version 1 is not locked" in log
    assert "run 'qinglian pledge lock'" in log
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.returncode == 0 and "locked pledge 'staff' version 1" in result.stdout
    lock = json.loads((pledge_site.root / "content/pledges/pledges.lock.json").read_text("utf-8"))
    archive = pledge_site.root / "content/pledges" / lock["staff"][0]["archive"]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == lock["staff"][0]["sha256"]
    assert run_qinglian(pledge_site, "pledge", "lock").stdout == "Every pledge is locked already.\n"
    assert pledge_site.build().returncode == 0
    page = pledge_site.read("pledges/staff/index.html")
    data = block_data(page, "pledge")
    assert data["sha256"] == lock["staff"][0]["sha256"] and data["renew_days"] == 365
    assert [f["name"] for f in data["fields"]] == ["name", "staff_id", "department"]
    manifest = json.loads(pledge_site.read("qinglian-manifest.json"))
    assert manifest["pledges"] == lock and manifest["site"] and manifest["language"] == "zh"
    assert manifest["renew_days"] == {"staff": 365}  # the reports' lapsed signatures
    assert not (pledge_site.root / "site/pledges/archive").exists()
    assert "pledges.lock.json" not in {p.name for p in (pledge_site.root / "site").rglob("*")}


def test_changed_text_needs_a_version(pledge_site):
    """Editing a locked text fails until the version is bumped or minor_change is set."""
    assert run_qinglian(pledge_site, "pledge", "lock").returncode == 0
    page = pledge_site.root / "content/pledges/staff.md"
    page.write_text(PLEDGE.replace("红包", "礼金"), encoding="utf-8")
    log = pledge_site.failed_build_log()
    assert "content/pledges/staff.md:3: the text of pledge 'staff' changed but its version is still 1" in log
    assert "bump 'version'" in log and "minor_change: true" in log
    assert pledge_site.build(strict=False).returncode == 0
    assert "qinglian-pledge" not in pledge_site.read("pledges/staff/index.html")
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.returncode == 1 and "Nothing was locked." in result.stderr
    page.write_text(PLEDGE.replace("红包", "礼金").replace('version: "1"', 'version: "2"'), encoding="utf-8")
    assert run_qinglian(pledge_site, "pledge", "lock").returncode == 0
    assert pledge_site.build().returncode == 0


@pytest.mark.parametrize("files, message", [
    ({"content/pledges/staff.md": PLEDGE.replace("```pledge\nid: staff\n```\n", "")},
     "content/pledges/staff.md:3: pledge 'staff' has no signing form"),
    ({"content/lessons/sign.md": "# 签\n\n```pledge\nid: staf\n```\n"},
     "content/lessons/sign.md:4: unknown pledge id 'staf' (did you mean 'staff'?)"),
    ({"content/pledges/other.md": PLEDGE},
     "content/pledges/staff.md:3: duplicate pledge id 'staff' (first in content/pledges/other.md)"),
])
def test_pledge_block_mistakes(pledge_site, files, message):
    """A missing form, an unknown id in a block and a duplicate id are named with file:line."""
    assert run_qinglian(pledge_site, "pledge", "lock").returncode == 0
    for name, text in files.items():
        (pledge_site.root / name).write_text(text, encoding="utf-8")
    assert message in pledge_site.failed_build_log()
    assert message in run_qinglian(pledge_site, "check").stdout


def test_second_signing_form_on_a_page_loads_nothing_more(pledge_site):
    """A pledge shown twice on a page (top and bottom of a long text) loads its bundle once."""
    assert run_qinglian(pledge_site, "pledge", "lock").returncode == 0
    (pledge_site.root / "content/pledges/index.md").write_text(
        "# 承诺\n\n```pledge\nid: staff\n```\n\n正文。\n\n```pledge\nid: staff\n```\n", encoding="utf-8")
    assert pledge_site.build().returncode == 0
    page = pledge_site.read("pledges/index.html")
    assert page.count('<form class="qinglian-pledge"') == 2
    assert re.findall(r'assets/qinglian/([a-z-]+)\.[0-9a-f]{8}\.(js|css)"', page) == [
        ("qinglian-pledge", "css"), ("qinglian-pledge", "js")]


def lock_version(site, version: str, text: str, *extra: str) -> None:
    """Write the staff pledge as ``version`` with ``text`` for 红包 (and ``extra``
    front-matter lines), and lock it."""
    page = PLEDGE.replace('version: "1"', f'version: "{version}"').replace("红包", text)
    page = page.replace("  renew_every: 1y\n", "  renew_every: 1y\n" + "".join(f"  {line}\n" for line in extra))
    (site.root / "content/pledges/staff.md").write_text(page, encoding="utf-8")
    result = run_qinglian(site, "pledge", "lock")
    assert result.returncode == 0, result.stderr


CONFLICT = "<<<<<<< HEAD\n{ours}=======\n{theirs}>>>>>>> other\n"


def test_lock_with_git_conflict_markers_is_never_written_over(pledge_site):
    """After a git merge conflict in the lock, `qinglian pledge lock` refuses (it used to
    write a new lock holding only the current texts, losing every earlier version), and
    the lock's conflict is said once, at its line, not as every pledge "not locked"."""
    lock_version(pledge_site, "1", "红包")
    lock_file = pledge_site.root / "content/pledges/pledges.lock.json"
    lines = lock_file.read_text("utf-8").splitlines(keepends=True)
    entry = "".join(lines[2:10])
    conflicted = "".join(lines[:2]) + CONFLICT.format(ours=entry, theirs=entry) + "".join(lines[10:])
    lock_file.write_text(conflicted, encoding="utf-8")
    check = run_qinglian(pledge_site, "check").stdout
    assert check.splitlines()[0] == (
        "content/pledges/pledges.lock.json:3: the lock file has git merge conflict markers — keep "
        "the entries of both sides (each is a text that was published), delete the marker lines "
        "and list each pledge's current version last; then run qinglian pledge lock")
    assert "is not locked" not in check
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.returncode == 1 and "conflict markers" in result.stderr
    assert lock_file.read_text("utf-8") == conflicted


def test_pledge_page_with_git_conflict_markers_is_never_locked(pledge_site):
    """Both sides of a merge conflict in the text are nobody's pledge: the page is
    refused at the marker's line, and nothing is locked for it."""
    conflicted = PLEDGE.replace("本人承诺不收受红包。\n", CONFLICT.format(
        ours="本人承诺不收受红包。\n", theirs="本人承诺不收受礼金。\n"))
    (pledge_site.root / "content/pledges/staff.md").write_text(conflicted, encoding="utf-8")
    assert ("content/pledges/staff.md:13: the page has git merge conflict markers"
            in run_qinglian(pledge_site, "check").stdout)
    assert "locked pledge" not in run_qinglian(pledge_site, "pledge", "lock").stdout


def test_a_version_cannot_go_back(pledge_site):
    """Going back to version 1 after version 2 is refused: the page would ask people
    to sign version 1 while the reports count only version 2, the lock's latest."""
    lock_version(pledge_site, "1", "红包")
    lock_version(pledge_site, "2", "礼金")
    (pledge_site.root / "content/pledges/staff.md").write_text(PLEDGE, encoding="utf-8")
    message = ("content/pledges/staff.md:3: pledge 'staff' is at version 1, but version 2 was "
               "locked after it — a version cannot go back")
    assert message in pledge_site.failed_build_log()
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.returncode == 1 and message in result.stderr
    # Even as a typo fix of version 1: the lock would then end with version 1
    (pledge_site.root / "content/pledges/staff.md").write_text(
        PLEDGE.replace("红包", "红包。").replace("  renew_every: 1y\n", "  renew_every: 1y\n  minor_change: true\n"),
        encoding="utf-8")
    assert run_qinglian(pledge_site, "pledge", "lock").returncode == 1
    lock_version(pledge_site, "3", "红包")  # the earlier words, as a new version
    assert pledge_site.build().returncode == 0


def test_minor_change_left_set_fails_the_build(pledge_site):
    """'minor_change: true' left in place after its typo fix is locked would lock every
    later edit as a typo fix, counted as signed by everyone: the lock says to delete it,
    and the build fails until it is gone."""
    lock_version(pledge_site, "1", "红包")
    page = pledge_site.root / "content/pledges/staff.md"
    page.write_text(PLEDGE.replace("红包", "红 包").replace(
        "  renew_every: 1y\n", "  renew_every: 1y\n  minor_change: true\n"), encoding="utf-8")
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.stdout.splitlines()[1] == (
        "  now delete 'minor_change: true' from content/pledges/staff.md, so that the next "
        "change of the text is checked again")
    assert ("content/pledges/staff.md:3: 'minor_change: true' is still set, though pledge "
            "'staff' version 1 is locked — delete it") in pledge_site.failed_build_log()
    page.write_text(PLEDGE.replace("红包", "红 包"), encoding="utf-8")
    assert pledge_site.build().returncode == 0


def test_archived_texts_hash_to_what_was_signed_on_any_checkout():
    """sha256sum of each archived text gives the hash the lock (and every signature)
    holds, and git never converts their line endings (a Windows checkout would)."""
    folder = PROJECT / "content" / "pledges"
    lock = json.loads((folder / "pledges.lock.json").read_text("utf-8"))
    archived = [(folder / entry["archive"], entry["sha256"])
                for entries in lock.values() for entry in entries]
    assert archived
    for path, sha256 in archived:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, path
        attribute = subprocess.run(["git", "check-attr", "text", "--", str(path.relative_to(PROJECT))],
                                   cwd=PROJECT, capture_output=True, text=True, check=True).stdout
        assert attribute.strip().endswith(": text: unset"), attribute


def test_lock_and_archive_resaved_by_notepad_are_unchanged(pledge_site):
    """An archived text and the lock file opened and saved again in Notepad (a BOM,
    CRLF line ends) still build and lock: only a change of the words counts."""
    lock_version(pledge_site, "1", "红包")
    pledges = pledge_site.root / "content/pledges"
    lock_file = pledges / "pledges.lock.json"
    lock = json.loads(lock_file.read_text("utf-8"))
    archive = pledges / lock["staff"][0]["archive"]
    for path in (archive, lock_file):
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = pledge_site.build()
    assert result.returncode == 0, result.stderr
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.stdout == "Every pledge is locked already.\n", result.stderr
    archive.write_bytes(archive.read_bytes().replace("红包".encode(), "礼金".encode()))
    assert (f"content/pledges/{lock['staff'][0]['archive']}: the archived text was changed after "
            "it was published") in pledge_site.failed_build_log()


def test_lock_and_archive_stay_together(pledge_site):
    """A deleted lock file is restored, not started afresh (which dropped every earlier
    version, so the collector refused their signatures); an archived text that is
    missing or was edited is named."""
    lock_version(pledge_site, "1", "红包")
    lock_version(pledge_site, "2", "礼金")
    pledges = pledge_site.root / "content/pledges"
    lock_file = pledges / "pledges.lock.json"
    lock = json.loads(lock_file.read_text("utf-8"))
    lock_file.unlink()
    message = ("content/pledges/pledges.lock.json: the lock file is missing, but "
               "content/pledges/archive/ holds 2 published texts — restore it from version "
               "control (git checkout -- content/pledges/pledges.lock.json)")
    assert message in pledge_site.failed_build_log()
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.returncode == 1 and message in result.stderr and not lock_file.exists()
    # A merge that kept one side's entries only
    lock_file.write_text(json.dumps({"staff": lock["staff"][1:]}), encoding="utf-8")
    assert ("content/pledges/pledges.lock.json: the lock file does not list the published "
            f"text content/pledges/{lock['staff'][0]['archive']}"
            in run_qinglian(pledge_site, "pledge", "lock").stderr)
    lock_file.write_text(json.dumps(lock), encoding="utf-8")
    (pledges / lock["staff"][0]["archive"]).write_text("本人承诺不收受礼金。", encoding="utf-8")
    (pledges / lock["staff"][1]["archive"]).unlink()
    log = pledge_site.failed_build_log()
    assert (f"content/pledges/{lock['staff'][0]['archive']}: the archived text was changed after "
            "it was published") in log
    assert (f"content/pledges/{lock['staff'][1]['archive']}: the archived text of a published "
            "pledge version is missing") in log


def test_lock_of_an_unreadable_configuration_names_only_its_problem(pledge_site):
    """mkdocs.yml that does not parse is the one problem said: not also "the site does not
    use the qinglian/pledge plugin", which it does."""
    config = pledge_site.config_file.read_text(encoding="utf-8")
    pledge_site.config_file.write_text(config + "nav: [\n", encoding="utf-8")
    result = run_qinglian(pledge_site, "pledge", "lock")
    assert result.returncode == 2
    assert "mkdocs.yml" in result.stderr and "does not use" not in result.stderr, result.stderr


def test_a_lock_that_cannot_be_written_whole_leaves_the_published_versions(pledge_site, capsys):
    """The disk fills part-way through `qinglian pledge lock` (here: a file-size limit
    between the new archived text's size and the new lock's): the lock stays as it was,
    not cut short, the new text is not left archived without it, and the command says so."""
    lock_version(pledge_site, "1", "红包")
    pledges = pledge_site.root / "content/pledges"
    before = (pledges / "pledges.lock.json").read_bytes()
    archived = sorted(path.relative_to(pledges) for path in pledges.rglob("archive/**/*.md"))
    page = (pledges / "staff.md").read_text(encoding="utf-8")
    (pledges / "staff.md").write_text(page.replace('version: "1"', 'version: "2"')
                                      .replace("红包", "礼金"), encoding="utf-8")
    # The archived text is shorter than this; the lock with version 2, longer
    with disk_full_past(len(before) + 10):
        assert main(["pledge", "lock", "-f", str(pledge_site.config_file)]) == 2
    assert capsys.readouterr().err.startswith(
        f"qinglian pledge lock: cannot write in '{pledges}': File too large; nothing was locked")
    assert (pledges / "pledges.lock.json").read_bytes() == before
    assert sorted(path.relative_to(pledges) for path in pledges.rglob("archive/**/*.md")) == archived
    assert not list(pledges.rglob("*.tmp"))
