"""``qinglian records import``: records a person downloaded from the site, into the store.

When the collector was unreachable, the site lets a person download what the
browser holds. The file is a JSON array of records or ``{"records": [...]}``;
an entry may be wrapped as ``{"record": {...}, "state": ...}`` (the browser's
queue, or ``GET /api/v1/records``). Each record goes through the same rules as
a POST, so importing a file twice stores nothing new. Several files (USB sticks
from many PCs) are imported in one run, with one summary. Each file is read as a
stream, twice: through once to check it, then again to store its records.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Generator, Iterator, NoReturn

from .errors import SetupError
from .intake import Outcome, receive_all
from .manifest import Manifests
from .store import Evidence, Store

IMPORTER = "qinglian records import"  # the user agent of imported records
# Records stored in one transaction: one sync to disk each, not one per record (a year's
# records took ten minutes), and a running collector waits for the write lock only as
# long as one batch takes (a few milliseconds)
BATCH = 500


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    rejected: list[str] = field(default_factory=list)  # "id: reason", one per record
    files: int = 1

    def summary(self) -> str:
        counts = ", ".join(f"{outcome.value} {self.counts[outcome]}" for outcome in Outcome)
        return counts if self.files == 1 else f"{counts} (from {self.files} files)"


def read_records_file(path: Path) -> RecordsFile:
    """Read a downloaded records file through once, so that a file that cannot be read is
    named before any record is stored; raise SetupError saying why it cannot."""
    records_file = RecordsFile(path)
    for _ in records_file:
        pass
    return records_file


class RecordsFile:
    """A downloaded records file whose entries are read one at a time, each time it is
    iterated: a year's export (150,000 records, 170 MB) took 1.2 GB parsed whole."""

    def __init__(self, path: Path):
        self.path = path
        self._copy: IO[str] | None = None  # a pipe's text, for reading it again

    def __iter__(self) -> Iterator:
        """Yield the entries; raise SetupError saying why the file cannot be read, as soon
        as the reading finds out."""
        try:
            with self._open() as text:
                yield from _entries(_Text(text))
        except OSError as error:
            raise SetupError(f"cannot read '{self.path}': {error.strerror}") from None
        except (ValueError, RecursionError) as error:
            raise SetupError(f"'{self.path}' is not a JSON file ({error}); give the file the "
                             "site downloaded, unedited") from None
        except _NotRecords as error:
            raise SetupError(f"'{self.path}' {error}") from None

    def _open(self) -> AbstractContextManager:
        if self._copy is not None:
            self._copy.seek(0)
            return nullcontext(self._copy)
        text = self.path.open(encoding="utf-8-sig")
        if stat.S_ISREG(os.fstat(text.fileno()).st_mode):
            return text
        # A pipe (records import <(curl …)) can be read only once: the first reading keeps
        # a copy of it on disk, for the second
        self._copy = tempfile.TemporaryFile("w+", encoding="utf-8")
        return _Copying(text, self._copy)


def import_records(files: list[RecordsFile], store: Store,
                   manifests: Manifests) -> ImportReport:
    """Store the record of each entry of each file by the collector's rules; count them
    all, and explain each rejected one (after its file's name, when several).

    Raises SetupError when a file can no longer be read (it changed, or its USB stick
    was pulled out): the batches stored before stay stored."""
    report = ImportReport(files=len(files))
    evidence = Evidence.now(client_ip=None, user_agent=IMPORTER)
    for records_file in files:
        prefix = f"{_file_name(records_file.path)}: " if len(files) > 1 else ""
        # A record never has a "record" field (the schema forbids it), so this is a wrapper
        records = (entry["record"] if isinstance(entry, dict) and "record" in entry else entry
                   for entry in records_file)
        start = 0
        while batch := list(islice(records, BATCH)):
            receipts = receive_all(batch, store, manifests, evidence)
            for number, (record, receipt) in enumerate(zip(batch, receipts), start=start + 1):
                report.counts[receipt.outcome] += 1
                if receipt.problems:
                    report.rejected.append(
                        f"{prefix}{_name(record, number)}: {'; '.join(receipt.problems)}")
            start += len(batch)
    return report


def _file_name(path: Path) -> str:
    """The file's name as given, or as a Python string literal when it holds a line break
    or a terminal escape (a file on a USB stick may be named anything)."""
    return str(path) if str(path).isprintable() else ascii(str(path))


def _name(record: object, number: int) -> str:
    """Name a rejected record by its id when the id is a short printable line: the file
    comes from anyone's PC, and an id holding a line break or a terminal escape would
    forge lines of this report, or clear the admin's screen, when printed as it is."""
    record_id = record.get("id") if isinstance(record, dict) else None
    if isinstance(record_id, str) and record_id and record_id.isprintable() and len(record_id) <= 64:
        return record_id
    return f"entry {number}"


# Reading a records file as a stream --------------------------------------------------

CHUNK = 64 * 1024  # characters read at a time; a longer entry reads as much again each time
_SPACE = re.compile(r"[ \t\n\r]*")  # what json counts as whitespace
_DECODER = json.JSONDecoder()
# How far from the end of a text cut inside a token json may stop ("-Infinit", a cut
# \uXXXX\uXXXX pair, "2." of "2.5"); "Unterminated string" says where the string starts
_LONGEST_TOKEN = 16


def _entries(text: _Text) -> Iterator:
    """Yield the entries of the JSON array of records, or of the "records" array of the
    object, that ``text`` holds; raise ValueError where json.loads would, _NotRecords
    when the JSON holds no records."""
    if text.next() == "[":
        yield from _elements(text)
        records = True
    elif text.next() == "{":
        records = yield from _members(text)
    else:
        text.value()
        records = False
    if text.next():
        text.fail("Extra data")
    if not records:
        raise _NotRecords("holds no records: expected a JSON array of records or an object "
                          "with a \"records\" array")


def _elements(text: _Text) -> Iterator:
    """Yield the values of the array that starts next in ``text``, one at a time."""
    text.advance()
    if text.next() == "]":
        text.advance()
        return
    while True:
        yield text.value()
        if text.next() == "]":
            text.advance()
            return
        text.expect(",", "Expecting ',' delimiter")


def _members(text: _Text) -> Generator[object, None, bool]:
    """Yield the elements of the "records" array of the object that starts next in
    ``text``; return whether it has one."""
    text.advance()
    if text.next() == "}":
        text.advance()
        return False
    named = records = False
    while True:
        if text.next() != '"':
            text.fail("Expecting property name enclosed in double quotes")
        key = text.value()
        text.expect(":", "Expecting ':' delimiter")
        if key == "records":
            if named:  # json.loads would keep the last; the site and the collector write one
                raise _NotRecords("holds \"records\" twice; give the file the site "
                                  "downloaded, unedited")
            named, records = True, text.next() == "["
        if key == "records" and records:
            yield from _elements(text)
        else:
            text.value()
        if text.next() == "}":
            text.advance()
            return records
        text.expect(",", "Expecting ',' delimiter")


class _NotRecords(Exception):
    """JSON that is not a records file; the message says what it holds instead."""


class _Text:
    """JSON text read a piece at a time, its values decoded by json's own decoder: only
    the piece being decoded is held."""

    def __init__(self, file: IO[str]):
        self._file = file
        self._text = ""
        self._at = 0  # where decoding goes on in _text
        self._ended = False
        # Where _text starts in the whole text: characters, lines, the start of its line
        self._passed, self._lines, self._line_start = 0, 0, 0

    def next(self) -> str:
        """Skip whitespace; return the next character ('' at the end)."""
        while True:
            self._at = _SPACE.match(self._text, self._at).end()
            if self._at < len(self._text) or self._ended:
                return self._text[self._at:self._at + 1]
            self._read()

    def advance(self) -> None:
        """Step past the character ``next`` returned."""
        self._at += 1

    def expect(self, character: str, message: str) -> None:
        """Step past ``character``; raise json's ``message`` when another comes next."""
        if self.next() != character:
            self.fail(message)
        self._at += 1

    def value(self) -> object:
        """Decode the value that starts next, reading on until it is whole."""
        self.next()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._at)
            except json.JSONDecodeError as error:
                cut = (error.msg.startswith("Unterminated string")
                       or len(self._text) - error.pos <= _LONGEST_TOKEN)
                if self._ended or not cut:
                    self.fail(error.msg, error.pos)
            else:
                # A number near the end of the piece may go on in the next one ("2." "5")
                if self._ended or len(self._text) - end > _LONGEST_TOKEN:
                    self._at = end
                    return value
            self._read()

    def fail(self, message: str, at: int | None = None) -> NoReturn:
        """Raise json's error ``message`` at ``at`` in _text (by default: where decoding
        is), with its line, column and character in the whole text as json.loads says."""
        at = self._at if at is None else at
        before = self._text[:at]
        lines, line_start = self._lines, self._line_start
        if "\n" in before:
            lines += before.count("\n")
            line_start = self._passed + before.rfind("\n") + 1
        position = self._passed + at
        raise ValueError(f"{message}: line {lines + 1} column {position - line_start + 1} "
                         f"(char {position})")

    def _read(self) -> None:
        """Drop the decoded text and read the next piece (none: _ended)."""
        done = self._text[:self._at]
        if "\n" in done:
            self._lines += done.count("\n")
            self._line_start = self._passed + done.rfind("\n") + 1
        self._passed += self._at
        rest = self._text[self._at:]
        piece = self._file.read(max(CHUNK, len(rest)))
        self._text, self._at, self._ended = rest + piece, 0, not piece


class _Copying:
    """A text file that writes what is read from it to ``copy`` too."""

    def __init__(self, file: IO[str], copy: IO[str]):
        self._file, self._copy = file, copy

    def read(self, size: int) -> str:
        piece = self._file.read(size)
        self._copy.write(piece)
        return piece

    def __enter__(self) -> _Copying:
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()
