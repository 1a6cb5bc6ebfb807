"""The collector's CSV export of records, for Excel and the hospital's HR files
(written by ``common.tables.csv_document``: BOM, formulas neutralised)."""

from __future__ import annotations

from collections.abc import Iterable

from ..common.tables import csv_document
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


def csv_text(records: Iterable[StoredRecord]) -> str:
    """Return one CSV row per record under a header row, BOM first."""
    return csv_document(COLUMNS, ([row.get(column) for column in COLUMNS]
                                  for row in map(_row, records)))


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
