"""The one record format (record.schema.json): validation, and form fields for browsers.

Pledge signatures, quiz attempts and progress events are all records. The
collector validates them against the schema with ``jsonschema``; the browser
gets a compact field spec derived from the same schema, so both always
agree on what a name or a 统一社会信用代码 may hold.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .i18n import DEFAULT_LANGUAGE, strings_for, translate

SCHEMA_PATH = Path(__file__).parent / "record.schema.json"
AUDIENCES = ("staff", "family", "supplier")  # the person kinds in the schema


@cache
def record_schema() -> dict:
    """Return the record schema (JSON Schema 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def record_problems(record) -> list[str]:
    """Return one message per problem of ``record`` ("field.path: what is wrong"), or []."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(record_schema())
    problems = []
    for error in sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path)):
        # oneOf over the person kinds says little; name the closest kind's problem
        leaf = min(error.context, key=lambda e: len(list(e.schema_path))) if error.context else error
        path = ".".join(str(part) for part in leaf.absolute_path) or "record"
        problems.append(f"{path}: {_describe(leaf)}")
    return problems


def person_fields(audience: str, departments: list[str], language: str = DEFAULT_LANGUAGE) -> list[dict]:
    """Return the form fields for a person of ``audience``, derived from the schema.

    Each field: name, label (in ``language``), pattern (a JavaScript regex
    source) and the hint shown when a value does not match it, min and max
    length, and for the staff department the one list of departments as options.
    """
    defs = record_schema()["$defs"]
    kind = defs[audience]
    fields = []
    for name, rule in kind["properties"].items():
        if "$ref" in rule:
            rule = defs[rule["$ref"].rsplit("/", 1)[1]]
        field = {"name": name, "label": translate(f"field.{name}", language),
                 "min": rule.get("minLength", 1), "max": rule.get("maxLength", 40)}
        if "pattern" in rule:
            field["pattern"] = rule["pattern"]
            hint = strings_for((f"field.{name}.hint",), language).get(f"field.{name}.hint")
            if hint:
                field["hint"] = hint
        if name == "department" and departments:
            field["options"] = list(departments)
        fields.append(field)
    return fields


def _describe(error) -> str:
    if error.validator == "pattern":
        return f"{error.instance!r} is not in the expected form"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    return error.message
