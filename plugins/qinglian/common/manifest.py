"""The build's manifest for the collector: site id, departments, locked pledges.

The collector loads it to know which site, departments and pledge texts a
record may name. Plugins each add their part; the file holds no personal data.
"""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST_NAME = "qinglian-manifest.json"


def write_manifest_part(site_dir: Path, part: dict) -> None:
    """Merge ``part`` into the site's manifest file."""
    path = site_dir / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    manifest.update(part)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True),
                    encoding="utf-8")
