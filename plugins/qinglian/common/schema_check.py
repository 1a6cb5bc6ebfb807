"""A JSON Schema compiled to one Python predicate: is this instance valid, yes or no.

``jsonschema`` takes about 1 ms to validate one quiz attempt (most of a year's
150,000 records), so ``qinglian records import`` of a year spent four minutes on
validation alone. The predicate answers the same question over ten times
faster; ``jsonschema`` still runs on every record the predicate refuses, to name
its problems. Each keyword below follows ``jsonschema``'s own code for the JSON
values ``json.loads`` returns, and a schema using any other keyword is refused
when compiled, so a new rule in the schema cannot be skipped unnoticed.

Not fastjsonschema, the library that does this for others: it implements drafts
4, 6 and 7, while the record schema is 2020-12, and it passes over a keyword it
does not know, so a rule of a later draft would let every record through.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Check = Callable[[object], bool]

# Keywords that only describe, and those read with another ($defs through $ref, then and
# else with if)
_SKIPPED = frozenset({"$schema", "$id", "title", "description", "$defs", "then", "else"})


def compile_schema(schema: dict, format_checker) -> Check:
    """Return a predicate that is true exactly when ``schema`` accepts the instance
    (``format_checker``: the ``jsonschema.FormatChecker`` the validator uses)."""
    return _Compiler(schema, format_checker).compile(schema)


class _Compiler:
    def __init__(self, root: dict, format_checker):
        self.root = root
        self.formats = format_checker
        self.refs: dict[str, Check] = {}

    def compile(self, schema: dict) -> Check:
        checks = tuple(self._keyword(keyword, value, schema) for keyword, value in schema.items()
                       if keyword not in _SKIPPED)
        if len(checks) == 1:
            return checks[0]

        def every(value) -> bool:
            # A loop, not all(): this runs for each value of each record
            for check in checks:
                if not check(value):
                    return False
            return True

        return every

    def _keyword(self, keyword: str, value, schema: dict) -> Check:
        if keyword == "type":
            names = [value] if isinstance(value, str) else value
            if not set(names) <= _TYPES.keys():
                raise ValueError(f"'type' {value!r} is not supported")
            kinds = tuple(_TYPES[name] for name in names)
            return kinds[0] if len(kinds) == 1 else lambda v: any(kind(v) for kind in kinds)
        if keyword in ("enum", "const"):
            allowed = value if keyword == "enum" else [value]
            # jsonschema compares with == when either side is text; other values need its
            # own equality (1 is not true), which this check does not copy
            if not all(isinstance(item, str) for item in allowed):
                raise ValueError(f"'{keyword}' with values other than text is not supported")
            return lambda v: v in allowed
        if keyword == "pattern":
            search = re.compile(value).search
            return lambda v: not isinstance(v, str) or search(v) is not None
        if keyword == "format":
            return lambda v: self.formats.conforms(v, value)
        if keyword == "minLength":
            return lambda v: not isinstance(v, str) or len(v) >= value
        if keyword == "maxLength":
            return lambda v: not isinstance(v, str) or len(v) <= value
        if keyword == "minimum":
            return lambda v: not _is_number(v) or v >= value
        if keyword == "maximum":
            return lambda v: not _is_number(v) or v <= value
        if keyword == "maxItems":
            return lambda v: not isinstance(v, list) or len(v) <= value
        if keyword == "items":
            item = self.compile(value)
            return lambda v: not isinstance(v, list) or all(item(each) for each in v)
        if keyword == "required":
            required = frozenset(value)
            return lambda v: not isinstance(v, dict) or v.keys() >= required
        if keyword == "properties":
            fields = {name: self.compile(sub) for name, sub in value.items()}

            def properties(v) -> bool:
                if isinstance(v, dict):
                    for key, item in v.items():
                        check = fields.get(key)
                        if check is not None and not check(item):
                            return False
                return True

            return properties
        if keyword == "patternProperties":
            fields = tuple((re.compile(pattern).search, self.compile(sub))
                           for pattern, sub in value.items())
            return lambda v: not isinstance(v, dict) or all(
                check(item) for key, item in v.items() for search, check in fields if search(key))
        if keyword == "additionalProperties":
            if value is not False:
                raise ValueError("'additionalProperties' other than false is not supported")
            known = frozenset(schema.get("properties", {}))
            # As jsonschema finds them: one search for all the patterns
            patterns = "|".join(schema.get("patternProperties", {}))
            if not patterns:
                return lambda v: not isinstance(v, dict) or known.issuperset(v)
            search = re.compile(patterns).search
            return lambda v: not isinstance(v, dict) or all(
                key in known or search(key) is not None for key in v)
        if keyword == "$ref":
            return self._reference(value)
        if keyword == "allOf":
            parts = tuple(self.compile(sub) for sub in value)
            return lambda v: all(part(v) for part in parts)
        if keyword == "anyOf":
            parts = tuple(self.compile(sub) for sub in value)
            return lambda v: any(part(v) for part in parts)
        if keyword == "oneOf":
            parts = tuple(self.compile(sub) for sub in value)
            return lambda v: sum(1 for part in parts if part(v)) == 1
        if keyword == "not":
            part = self.compile(value)
            return lambda v: not part(v)
        if keyword == "if":
            condition = self.compile(value)
            then = self.compile(schema.get("then", {}))
            otherwise = self.compile(schema.get("else", {}))
            return lambda v: then(v) if condition(v) else otherwise(v)
        raise ValueError(f"the schema keyword '{keyword}' is not supported")

    def _reference(self, ref: str) -> Check:
        if not ref.startswith("#/"):
            raise ValueError(f"'$ref' to '{ref}' is not supported: only '#/…' in the same schema")
        if ref not in self.refs:
            target = self.root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            self.refs[ref] = self.compile(target)
        return self.refs[ref]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    # true is an int in Python but not in JSON; 5.0 is an integer in JSON Schema
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
}
