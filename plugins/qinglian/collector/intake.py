"""One rule for every way a record arrives: over HTTP or by ``qinglian records import``."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from ..common.records import record_problems
from .manifest import Manifests
from .store import Evidence, Store, canonical_json


class Outcome(Enum):
    STORED = "stored"
    REPEAT = "already there"  # same id, same content: a retry, not a second record
    CONFLICT = "conflicting"  # same id, other content: never overwritten
    INVALID = "invalid"


@dataclass(frozen=True)
class Receipt:
    outcome: Outcome
    problems: list[str] = field(default_factory=list)


def receive_all(records: list, store: Store, manifests: Manifests,
                evidence: Evidence) -> list[Receipt]:
    """Validate each record against the schema and the manifests, then store the valid
    ones once, in one transaction; return a receipt for each record, in order."""
    found = [problems(record, manifests) for record in records]
    valid = [record for record, bad in zip(records, found) if not bad]
    stored = iter(store.add_all(valid, evidence) if valid else [])
    return [Receipt(Outcome.INVALID, bad) if bad else receipt_for(record, next(stored))
            for record, bad in zip(records, found)]


def problems(record: object, manifests: Manifests) -> list[str]:
    """Return what keeps ``record`` out of the store (schema, then manifests), or []."""
    return faults(record) or manifests.problems(record)


def faults(record: object) -> list[str]:
    """Return what is wrong with ``record`` itself, whatever the manifests say, or []."""
    found = record_problems(record)
    try:
        canonical_json(record).encode("utf-8")
    except UnicodeEncodeError as error:
        # JSON may spell half of a surrogate pair ("\ud800"); no database can store it
        found.append(f"the record holds text that is not valid Unicode "
                     f"({error.object[error.start:error.end]!a})")
    return found


def receipt_for(record: dict, stored: str | None) -> Receipt:
    """Return the outcome of storing a valid ``record``, given what ``Store.add`` returned."""
    if stored is None:
        return Receipt(Outcome.STORED)
    if stored == canonical_json(record):
        return Receipt(Outcome.REPEAT)
    return Receipt(Outcome.CONFLICT, [f"id: '{record['id']}' already holds a record with other "
                                      "content; give each new record a new id"])
