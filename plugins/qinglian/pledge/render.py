"""The signing form's data: the pledge's identity and the fields its audience fills in."""

from __future__ import annotations

from .models import Pledge


def pledge_payload(pledge: Pledge, fields: list[dict], versions: list[str]) -> dict:
    """Return what the browser needs to show the form and make the record; ``versions``
    are those this build knows (locked), so a signature of a later one is not asked again."""
    return {"id": pledge.id, "version": pledge.version, "sha256": pledge.sha256,
            "title": pledge.title, "audience": pledge.audience,
            "renew_days": pledge.renew_days, "fields": fields, "versions": versions}
