"""The one record format (record.schema.json): validation, and form fields for browsers.

Pledge signatures, quiz attempts and progress events are all records. The
collector validates them against the schema with ``jsonschema``; the browser
gets a compact field spec derived from the same schema, so both always
agree on what a name or a 统一社会信用代码 may hold.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path

from .i18n import DEFAULT_LANGUAGE, strings_for, translate
from .schema_check import compile_schema

SCHEMA_PATH = Path(__file__).parent / "record.schema.json"
AUDIENCES = ("staff", "family", "supplier")  # the person kinds in the schema


@cache
def record_schema() -> dict:
    """Return the record schema (JSON Schema 2020-12)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def record_problems(record) -> list[str]:
    """Return one message per problem of ``record`` ("field.path: what is wrong"), or []."""
    # The compiled check clears a valid record over ten times faster than jsonschema,
    # which then only runs to name the problems of the others
    if _is_valid()(record):
        return []
    problems = []
    for error in sorted(_validator().iter_errors(record), key=lambda e: list(e.absolute_path)):
        for leaf in _own_kind_errors(error):
            path = ".".join(str(part) for part in leaf.absolute_path) or "record"
            problems.append(f"{path}: {_describe(leaf, path)}")
    # An attempt's or a progress event's person is checked as staff twice: by the
    # oneOf over the person kinds and by the rule for its kind
    return list(dict.fromkeys(problems))


def person_kind(person: dict) -> str:
    """Say which of the schema's person kinds ``person`` is: the one whose fields it has
    most of (a staff member on a tie), so a person with a wrong or missing field is still
    of the kind they meant."""
    defs = record_schema()["$defs"]
    return max(AUDIENCES, key=lambda kind: len(defs[kind]["properties"].keys() & person.keys()))


def person_fields(audience: str, departments: list[str], language: str = DEFAULT_LANGUAGE) -> list[dict]:
    """Return the form fields for a person of ``audience``, derived from the schema.

    Each field: name, label (in ``language``), pattern (a JavaScript regex
    source) and the hint shown when a value does not match it, min and max
    length, and for the staff department the one list of departments as options.
    """
    fields = []
    for name in record_schema()["$defs"][audience]["properties"]:
        rule = person_rule(audience, name)
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


def person_rule(audience: str, name: str) -> dict:
    """Return the schema's rule for field ``name`` of a person of ``audience``."""
    defs = record_schema()["$defs"]
    rule = defs[audience]["properties"][name]
    return defs[rule["$ref"].rsplit("/", 1)[1]] if "$ref" in rule else rule


@cache
def _validator():
    """Return the record schema's validator, made once: patterns read as JSON Schema
    means them, and times checked for existing."""
    from jsonschema import Draft202012Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(_existing_time)
    return Draft202012Validator(_whole_text_patterns(record_schema()), format_checker=formats)


@cache
def _is_valid():
    """Return the validator's schema compiled to one predicate (the same patterns and times)."""
    validator = _validator()
    return compile_schema(validator.schema, validator.format_checker)


def _own_kind_errors(error) -> list:
    """Return the errors to name for ``error``: for the oneOf over the person kinds, which
    fails in every kind, those of the person's own kind (not the staff form's problems for
    a supplier, nor 'department' unexpected for a staff member)."""
    if not error.context:
        return [error]
    kinds = [alternative["$ref"].rsplit("/", 1)[1] for alternative in error.schema[error.validator]]
    # Anything but an object fails as every kind alike
    kind = person_kind(error.instance) if isinstance(error.instance, dict) else kinds[0]
    return [leaf for leaf in error.context if kinds[leaf.relative_schema_path[0]] == kind]


def _whole_text_patterns(schema):
    """Return ``schema`` with each pattern's final "$" as Python's "\\Z".

    JSON Schema's patterns are JavaScript's, where "$" is the end of the text;
    in Python it also matches before a last newline, so "A001\\n" was a 工号 and
    a record id with a newline was a second record. Browsers get the schema's
    own patterns (person_fields).
    """
    if isinstance(schema, list):
        return [_whole_text_patterns(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    copy = {key: _whole_text_patterns(value) for key, value in schema.items()}
    if isinstance(copy.get("pattern"), str):
        copy["pattern"] = _END.sub(r"\\Z", copy["pattern"])
    if isinstance(copy.get("patternProperties"), dict):
        copy["patternProperties"] = {_END.sub(r"\\Z", key): value
                                     for key, value in copy["patternProperties"].items()}
    return copy


# A "$" at the end of a pattern that is not an escaped "\\$"
_END = re.compile(r"(?<!\\)\$$")


def _existing_time(value) -> bool:
    # The pattern checks the form; 2026-02-30T25:61:00Z has it too
    if isinstance(value, str):
        datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    return True


def _describe(error, path: str) -> str:
    value = repr(error.instance)
    shown = _kind_of(error.instance) if _is_personal(path, error.instance) else value
    if error.validator == "format":
        return f"{shown} is not a time that exists"
    if error.validator == "pattern":
        return f"{shown} is not in the expected form"
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    # jsonschema's messages start with the value
    if error.message.startswith(value):
        return shown + error.message.removeprefix(value)
    return error.message


def _is_personal(path: str, value) -> bool:
    """Whether the value at ``path`` may name a person: problems are printed to the admin's
    terminal and logs. The department is not, and is matched against the site's list."""
    if path == "person" or (path.startswith("person.") and path != "person.department"):
        return True
    # An entry that is no record may be anything pasted in (a line of a roster)
    return path == "record" and isinstance(value, (str, list, dict))


def _kind_of(value) -> str:
    """Say what ``value`` is without showing it."""
    if isinstance(value, str):
        return f"a text of {len(value)} character(s)" if value else "an empty text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"  # a staff number saved as one
    return repr(value)  # true, false or null
