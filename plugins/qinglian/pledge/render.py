"""The signing form's data: the pledge's identity and the fields its audience fills in."""

from __future__ import annotations

from .models import Pledge


def pledge_payload(pledge: Pledge, fields: list[dict]) -> dict:
    """Return what the browser needs to show the form and make the record."""
    return {"id": pledge.id, "version": pledge.version, "sha256": pledge.sha256,
            "title": pledge.title, "audience": pledge.audience,
            "renew_days": pledge.renew_days, "fields": fields}
