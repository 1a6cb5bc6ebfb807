"""The record schema compiled to one predicate (common/schema_check.py) decides exactly as
jsonschema does, which still names the problems: a record it lets through is one the
collector's validation accepts."""

from __future__ import annotations

import copy
import random

import pytest
from jsonschema import FormatChecker

from qinglian.common.records import _is_valid, _validator
from qinglian.common.schema_check import compile_schema
from test_collector_api import FAMILY, PARTS, SUPPLIER, record

# Values put in place of a field: other JSON types, the edges of the schema's limits,
# the texts its patterns and times refuse
ODD_VALUES = [
    None, True, False, 0, 1, -1, 5.0, 5.5, 100, 101, 200, 201, float("nan"), "", "x",
    "A001", "A001\n", "张三", "a\u0007b", "x" * 40, "x" * 41, "x" * 201, "onboarding",
    "Onboarding", "pledge", "attempt", "progress", "a" * 64, "a" * 65,
    "2026-11-24T02:00:00.000Z", "2026-02-30T02:00:00Z", "2026-11-24T02:00:00Z\n",
    "91110000600037341L", "91110000600037341I", "0b7c6a48-4f5e-4d3a-9b2c-1d0e9f8a7b6c",
    [], [{}], {}, {"correct": 1, "total": 1}, {"correct": 1, "total": 0},
    {"question": "q-1", "answer": None, "correct": False}, dict(FAMILY), dict(SUPPLIER),
]
KEYS = ["1", "9", "0", "10", "1\n", "extra", "pledge", "attempt", "progress", "id", "name",
        "staff_id", "relationship", "timed_out"]


def examples() -> list[dict]:
    return [record(kind) for kind in PARTS] + [
        record("pledge", FAMILY, pledge={**PARTS["pledge"], "id": "family"}),
        record("pledge", SUPPLIER)]


def mutated(rng: random.Random, item: dict) -> dict:
    """Return ``item`` with one to three random changes: a value replaced, a key added
    or removed, anywhere in it."""
    item = copy.deepcopy(item)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        containers = list(_containers(item))
        container = rng.choice(containers)
        if isinstance(container, list):
            if container and rng.random() < 0.7:
                container[rng.randrange(len(container))] = rng.choice(ODD_VALUES)
            else:
                container.append(copy.deepcopy(rng.choice(ODD_VALUES)))
        elif container and rng.random() < 0.7:
            key = rng.choice(list(container))
            if rng.random() < 0.2:
                del container[key]
            else:
                container[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        else:
            container[rng.choice(KEYS)] = copy.deepcopy(rng.choice(ODD_VALUES))
    return item


def _containers(value):
    if isinstance(value, (dict, list)):
        yield value
        for child in value.values() if isinstance(value, dict) else value:
            yield from _containers(child)


def test_the_compiled_check_decides_as_jsonschema_does():
    """Thousands of records changed at random (same seed each run): the compiled check
    accepts exactly those jsonschema accepts."""
    rng = random.Random(20261124)
    checked = {True: 0, False: 0}
    for _ in range(4000):
        item = mutated(rng, rng.choice(examples()))
        expected = not any(True for _ in _validator().iter_errors(item))
        assert _is_valid()(item) is expected, item
        checked[expected] += 1
    # Both answers were put to the test, not only refusals
    assert min(checked.values()) > 200, checked
    for example in examples():
        assert _is_valid()(example) is True


@pytest.mark.parametrize("schema", [
    {"minItems": 1},
    {"additionalProperties": {"type": "string"}},
    {"enum": [1, 2]},
    {"type": "number"},
    {"$ref": "https://example.test/schema"},
])
def test_a_rule_the_compiled_check_cannot_follow_is_refused(schema):
    """A schema keyword (or form of one) the check does not implement stops it being made,
    rather than being skipped: a record breaking that rule would else be let through."""
    with pytest.raises(ValueError, match="not supported"):
        compile_schema(schema, FormatChecker())
