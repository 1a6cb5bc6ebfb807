"""Who a person is, as compared: one rule for the forms' records, the roster, corrections
and the reports.

Staff type with a Chinese input method, often in full-width mode, and HR's
spreadsheets carry stray spaces and either width of brackets: １００１ is 1001,
a12 is A12, 张　三 is 张三 and 心内科（一病区） is 心内科(一病区). Only the keys
are folded; what was typed or listed is kept as it was, for display.
"""

from __future__ import annotations

import unicodedata


def text_key(text) -> str:
    """A name or department as compared, as a person reads it: width folded (NFKC),
    without spaces, invisible format characters (a zero-width space or direction mark
    pasted from WeChat or Word) or the C1 controls the record schema lets through."""
    return "".join(char for char in unicodedata.normalize("NFKC", str(text or ""))
                   if not char.isspace() and not invisible(char))


def invisible(char: str) -> bool:
    """Whether ``char`` shows nothing of its own: a control character or a format
    character (zero-width space, direction mark or override, BOM)."""
    return unicodedata.category(char) in ("Cc", "Cf")


def id_key(staff_id) -> str:
    """A 工号 as compared: as text_key, in capitals (the schema allows A-Z and a-z)."""
    return text_key(staff_id).upper()
