"""Config options our plugins need that MkDocs 1.x does not have."""

from __future__ import annotations

import json
import re

from mkdocs.config.base import BaseConfigOption, ValidationError

from .records import record_schema


class WholeNumber(BaseConfigOption[int]):
    """A whole number from ``minimum`` to ``maximum``, and not true or false (YAML's
    booleans are ints to Python); ``at_most`` names an option of the same config
    it may not exceed."""

    def __init__(self, minimum: int, maximum: int, default: int, *, at_most: str = ""):
        super().__init__()
        self.minimum, self.maximum, self.at_most = minimum, maximum, at_most
        self.default = default

    def run_validation(self, value: object) -> int:
        if (isinstance(value, bool) or not isinstance(value, int)
                or not self.minimum <= value <= self.maximum):
            # Shown as written in mkdocs.yml: true, null, "80%", 2.5
            shown = json.dumps(value, ensure_ascii=False, default=repr)
            raise ValidationError(f"Expected a whole number from {self.minimum} to "
                                  f"{self.maximum} but received: {shown}")
        return value

    def post_validation(self, config, key_name: str) -> None:
        if self.at_most and config[key_name] > config[self.at_most]:
            limit = config[self.at_most]
            raise ValidationError(f"{config[key_name]} is larger than '{self.at_most}' "
                                  f"({limit}); make it at most {limit}")


class SiteId(BaseConfigOption[str]):
    """extra.hospital.site_id: every record carries it, so it must fit the record
    schema, or the collector and the reports refuse the site's records and manifest."""

    def run_validation(self, value: object) -> str:
        pattern = record_schema()["properties"]["site"]["pattern"]
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            shown = json.dumps(value, ensure_ascii=False, default=repr)
            raise ValidationError("Expected lower-case letters, digits and hyphens, at most 64 "
                                  f"(e.g. qingshan-hospital) but received: {shown}")
        return value
