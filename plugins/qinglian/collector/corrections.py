"""Corrections and redactions: mistakes fixed without editing a stored record.

A mistyped 工号 or name is fixed by a correction stored beside the records;
a person's data is hidden on request by a redaction. Both are applied, in the
order they were made, whenever records are read out (exports, reports,
verification), so the stored records stay exactly as they were sent.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

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
    problems += [f"the new {key} is empty" for key, value in changes.items()
                 if key in FIELDS and not str(value).strip()]
    if not redact and not changes:
        problems.append("nothing to change: give --set FIELD=VALUE")
    if problems:
        raise SetupError("; ".join(problems))
    return Correction(str(uuid.uuid4()), utc_now(), operator.strip(), reason.strip(),
                      site.strip(), staff_id.strip(), "redact" if redact else "correct",
                      {} if redact else {key: str(value).strip() for key, value in changes.items()})


def id_key(staff_id: str) -> str:
    """工号 as compared: letters in any case (the schema allows A-Z and a-z)."""
    return staff_id.strip().upper()


def apply(records: list[StoredRecord], corrections: list[Correction]) -> list[StoredRecord]:
    """Return ``records`` as the corrections say they should read."""
    return [_corrected(stored, corrections) for stored in records]


def _corrected(stored: StoredRecord, corrections: list[Correction]) -> StoredRecord:
    record = stored.record
    for correction in corrections:
        person = record.get("person") or {}
        # The same person for a correction as for the reports: A001 is a001
        if (correction.site != record.get("site")
                or id_key(str(person.get("staff_id", ""))) != id_key(correction.staff_id)):
            continue
        # A family member's record names the staff member as staff_name and staff_id
        family = "relationship" in person
        if correction.action == "redact":
            keys = ("staff_name", "staff_id") if family else [k for k in person if k != "department"]
            record = {**record, "person": {**person, **{key: REDACTED for key in keys}}}
            if not family:
                stored = replace(stored, client_ip=None, user_agent=None, identity=None)
        else:
            changes = correction.changes
            if family:
                changes = {_FAMILY_FIELDS[key]: value for key, value in changes.items()
                           if key in _FAMILY_FIELDS}
            record = {**record, "person": {**person, **changes}}
    return replace(stored, record=record)


_FAMILY_FIELDS = {"name": "staff_name", "staff_id": "staff_id"}
