"""``qinglian records import``: records a person downloaded from the site, into the store.

When the collector was unreachable, the site lets a person download what the
browser holds. The file is a JSON array of records or ``{"records": [...]}``;
an entry may be wrapped as ``{"record": {...}, "state": ...}`` (the browser's
queue, or ``GET /api/v1/records``). Each record goes through the same rules as
a POST, so importing a file twice stores nothing new. Several files (USB sticks
from many PCs) are imported in one run, with one summary.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SetupError
from .intake import Outcome, receive_all
from .manifest import Manifests
from .store import Evidence, Store

IMPORTER = "qinglian records import"  # the user agent of imported records
# Records stored in one transaction: one sync to disk each, not one per record (a year's
# records took ten minutes), and a running collector waits for the write lock only as
# long as one batch takes (a few milliseconds)
BATCH = 500


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    rejected: list[str] = field(default_factory=list)  # "id: reason", one per record
    files: int = 1

    def summary(self) -> str:
        counts = ", ".join(f"{outcome.value} {self.counts[outcome]}" for outcome in Outcome)
        return counts if self.files == 1 else f"{counts} (from {self.files} files)"


def read_records_file(path: Path) -> list:
    """Return the entries of a downloaded records file; raise SetupError saying why it cannot."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise SetupError(f"cannot read '{path}': {error.strerror}") from None
    except (ValueError, RecursionError) as error:
        raise SetupError(f"'{path}' is not a JSON file ({error}); give the file the site "
                         "downloaded, unedited") from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        return data["records"]
    if isinstance(data, list):
        return data
    raise SetupError(f"'{path}' holds no records: expected a JSON array of records or "
                     "an object with a \"records\" array")


def import_records(files: list[tuple[Path, list]], store: Store,
                   manifests: Manifests) -> ImportReport:
    """Store the record of each entry of each (file, entries) by the collector's rules;
    count them all, and explain each rejected one (after its file's name, when several)."""
    report = ImportReport(files=len(files))
    evidence = Evidence.now(client_ip=None, user_agent=IMPORTER)
    for path, entries in files:
        prefix = f"{_file_name(path)}: " if len(files) > 1 else ""
        # A record never has a "record" field (the schema forbids it), so this is a wrapper
        records = [entry["record"] if isinstance(entry, dict) and "record" in entry else entry
                   for entry in entries]
        for start in range(0, len(records), BATCH):
            batch = records[start:start + BATCH]
            receipts = receive_all(batch, store, manifests, evidence)
            for number, (record, receipt) in enumerate(zip(batch, receipts), start=start + 1):
                report.counts[receipt.outcome] += 1
                if receipt.problems:
                    report.rejected.append(
                        f"{prefix}{_name(record, number)}: {'; '.join(receipt.problems)}")
    return report


def _file_name(path: Path) -> str:
    """The file's name as given, or as a Python string literal when it holds a line break
    or a terminal escape (a file on a USB stick may be named anything)."""
    return str(path) if str(path).isprintable() else ascii(str(path))


def _name(record: object, number: int) -> str:
    """Name a rejected record by its id when the id is a short printable line: the file
    comes from anyone's PC, and an id holding a line break or a terminal escape would
    forge lines of this report, or clear the admin's screen, when printed as it is."""
    record_id = record.get("id") if isinstance(record, dict) else None
    if isinstance(record_id, str) and record_id and record_id.isprintable() and len(record_id) <= 64:
        return record_id
    return f"entry {number}"
