"""CSV export for Excel, the reports and the hospital's HR files (医德医风档案).

UTF-8 with a byte order mark, or Excel reads the Chinese as mojibake. A cell
that starts with = + - @ or a tab or carriage return would run as a formula in
Excel or LibreOffice ("CSV injection"): it gets a leading single quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from .store import StoredRecord

COLUMNS = (
    "id", "site", "kind",
    # the person: staff, a staff member's family, or a supplier's representative
    "name", "staff_id", "department", "relationship", "staff_name",
    "company", "credit_code", "representative", "contact",
    "pledge_id", "pledge_version", "pledge_sha256",
    "quiz_id", "score", "passed",
    "progress_path", "progress_step", "progress_done",
    "created", "received", "client_ip",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(records: Iterable[StoredRecord]) -> str:
    """Return one CSV row per record under a header row, BOM first."""
    return csv_document(COLUMNS, ([row.get(column) for column in COLUMNS]
                                  for row in map(_row, records)))


def csv_document(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """Return ``rows`` under ``header`` as CSV for Excel: BOM first, formulas neutralised,
    None as an empty cell, booleans as true/false."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(_neutralise(_cell(title)) for title in header)
    for row in rows:
        writer.writerow(_neutralise(_cell(value)) for value in row)
    return out.getvalue()


def _row(stored: StoredRecord) -> dict:
    record = stored.record
    pledge = record.get("pledge", {})
    attempt = record.get("attempt", {})
    progress = record.get("progress", {})
    return {
        "id": record["id"], "site": record["site"], "kind": record["kind"],
        **record["person"],
        "pledge_id": pledge.get("id"), "pledge_version": pledge.get("version"),
        "pledge_sha256": pledge.get("sha256"),
        "quiz_id": attempt.get("quiz_id"), "score": attempt.get("score"),
        "passed": attempt.get("passed"),
        "progress_path": progress.get("path"), "progress_step": progress.get("step"),
        "progress_done": progress.get("done"),
        "created": record["created"], "received": stored.received, "client_ip": stored.client_ip,
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _neutralise(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
