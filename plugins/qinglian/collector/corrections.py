"""Corrections and redactions: mistakes fixed without editing a stored record.

A mistyped 工号 or name is fixed by a correction stored beside the records;
a person's data is hidden on request by a redaction. Both are applied, in the
order they were made, whenever records are read out (exports, reports,
verification), so the stored records stay exactly as they were sent.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace

from ..common.identity import id_key
from ..common.records import person_rule
from .errors import SetupError
from .store import Correction, StoredRecord, utc_now

FIELDS = ("name", "staff_id", "department")
REDACTED = "（已删除）"


def new_correction(*, site: str, staff_id: str, operator: str, reason: str,
                   changes: dict | None = None, redact: bool = False) -> Correction:
    """Return a correction (or, with ``redact``, a redaction); raise SetupError when it
    would not say who, what or why."""
    changes = changes or {}
    problems = [f"{name} is empty" for name, value in
                (("--site", site), ("--staff-id", staff_id), ("--operator", operator),
                 ("--reason", reason)) if not value or not value.strip()]
    problems += [f"'{key}' cannot be corrected (only {', '.join(FIELDS)})"
                 for key in changes if key not in FIELDS]
    problems += [f"the new {key} is empty" if not str(value).strip()
                 else _value_problem(key, str(value).strip())
                 for key, value in changes.items() if key in FIELDS]
    if not redact and not changes:
        problems.append("nothing to change: give --set FIELD=VALUE")
    problems = [problem for problem in problems if problem]
    if problems:
        raise SetupError("; ".join(problems))
    return Correction(str(uuid.uuid4()), utc_now(), operator.strip(), reason.strip(),
                      site.strip(), staff_id.strip(), "redact" if redact else "correct",
                      {} if redact else {key: str(value).strip() for key, value in changes.items()})


def _value_problem(key: str, value: str) -> str | None:
    """Say what is wrong with ``value`` as a record's ``key`` by the record schema's rule
    (what every record holds and the roster is matched by), with a value to give; or None."""
    rule = person_rule("staff", key)
    longest = rule.get("maxLength")
    if longest and len(value) > longest:
        return (f"the new {key} is {len(value)} characters long, a record's holds at most "
                f"{longest}; e.g. --set {key}={_EXAMPLES[key]}")
    if re.fullmatch(rule["pattern"], value):
        return None
    # Typed with a Chinese input method in full-width mode: １００２ for 1002
    folded = unicodedata.normalize("NFKC", value)
    if re.fullmatch(rule["pattern"], folded):
        return f"the new {key} {value!r} is typed in full width; write --set {key}={folded}"
    return f"the new {key} {value!r} may hold {_ALLOWED[key]}; e.g. --set {key}={_EXAMPLES[key]}"


# What the record schema lets each field hold, and a value it takes
_ALLOWED = {"staff_id": "only half-width letters, digits and -, at most 32 of them",
            "name": "no control characters (a tab or line break)",
            "department": "no control characters (a tab or line break)"}
_EXAMPLES = {"staff_id": "A002", "name": "张三", "department": "内科"}


def apply(records: Iterable[StoredRecord],
          corrections: list[Correction]) -> Iterator[StoredRecord]:
    """Yield ``records`` as the corrections say they should read, one at a time as they come."""
    return (_corrected(stored, corrections) for stored in records)


def _corrected(stored: StoredRecord, corrections: list[Correction]) -> StoredRecord:
    record = stored.record
    redacted: set[str] = set()  # the 工号 redacted so far, as compared
    for correction in corrections:
        if correction.site != record.get("site"):
            continue
        person = record.get("person") or {}
        if correction.action == "redact":
            redacted.add(id_key(correction.staff_id))
        # The same person for a correction as for the reports: A001 is a001
        elif _staff_key(record) == id_key(correction.staff_id):
            changes = correction.changes
            # A family member's record names the staff member as staff_name and staff_id
            if "relationship" in person:
                changes = {_FAMILY_FIELDS[key]: value for key, value in changes.items()
                           if key in _FAMILY_FIELDS}
            record = {**record, "person": {**person, **changes}}
        # Hidden once it reads as a redacted person, also when a later correction gives
        # it that 工号 (A01 fixed to A001 after A001 asked to be deleted), and for good:
        # a correction after that does not bring the person back
        if _staff_key(record) in redacted:
            record, stored = _redacted(record, stored)
    return replace(stored, record=record)


def _staff_key(record: dict) -> str:
    return id_key(str((record.get("person") or {}).get("staff_id", "")))


def _redacted(record: dict, stored: StoredRecord) -> tuple[dict, StoredRecord]:
    person = record.get("person") or {}
    family = "relationship" in person
    keys = ("staff_name", "staff_id") if family else [k for k in person if k != "department"]
    record = {**record, "person": {**person, **{key: REDACTED for key in keys}}}
    if not family:
        stored = replace(stored, client_ip=None, user_agent=None, identity=None)
    return record, stored


_FAMILY_FIELDS = {"name": "staff_name", "staff_id": "staff_id"}
