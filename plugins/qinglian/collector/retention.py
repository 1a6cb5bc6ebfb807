"""Retention: how old a record may get before ``qinglian collector purge`` removes it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

_AGE = re.compile(r"^\s*(\d{1,4})\s*([ymwd])\s*$", re.I)


def cutoff(now: str, age: str) -> str:
    """Return the ISO UTC time ``age`` (3y, 18m, 10w, 400d) before ``now``.

    Years and months are calendar ones: 1m before 31 March is 28 or 29 February.
    Raises ValueError for anything else.
    """
    match = _AGE.match(age)
    if not match:
        raise ValueError(f"'{age}' is not an age; write e.g. 3y, 18m, 10w or 400d")
    count, unit = int(match.group(1)), match.group(2).lower()
    moment = datetime.fromisoformat(now.replace("Z", "+00:00"))
    if unit in "ym":
        months = moment.year * 12 + moment.month - 1 - count * (12 if unit == "y" else 1)
        year, month = divmod(months, 12)
        if year < 1:
            raise ValueError(f"'{age}' reaches back before year 1")
        day = min(moment.day, _days_in(year, month + 1))
        moment = moment.replace(year=year, month=month + 1, day=day)
    else:
        moment -= timedelta(days=count * (7 if unit == "w" else 1))
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _days_in(year: int, month: int) -> int:
    following = datetime(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day
