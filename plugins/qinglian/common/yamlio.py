"""YAML loading that remembers where each mapping, key and list item stood.

Trainers edit YAML by hand, so every error must point at a line. PyYAML drops
positions after parsing; these loaders keep them on the containers they build.
Duplicate keys, which PyYAML silently overwrites, are reported instead.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from .cachefiles import keep_pickled, kept_pickle
from .errors import ContentError, ContentProblem, device_name, device_named, undevice_name


# A key or list item indented with a Chinese input method's full-width space, which
# looks like indentation but YAML reads as text (the mistake shows there or below)
FULL_WIDTH_INDENT = re.compile(r"[ \u3000]*\u3000[ \u3000]*(?:- |[^\s:#]+:(?: |$))")
# Control characters other than tab and line breaks: invisible, and they break pages
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class LineDict(dict):
    """A mapping with ``line`` (where it starts) and ``key_lines`` (per key)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        """Return the line of ``key``, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence with ``line`` (where it starts) and ``item_lines`` (per item)."""

    line: int = 0
    item_lines: list


class WrittenInt(int):
    """A whole number whose text YAML would not give back (+3, 1_000, 0x1F)."""

    written: str

    def __str__(self) -> str:
        return self.written


class WrittenFloat(float):
    """A number with a point whose text YAML would not give back (1.10, 2.50, 1.5e+3)."""

    written: str

    def __str__(self) -> str:
        return self.written


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _EscapedControl(yaml.MarkedYAMLError):
    pass


class _UnreadableValue(yaml.MarkedYAMLError):
    pass


try:
    from yaml.cyaml import CParser as _Parser  # libyaml: parses 3× faster
except ImportError:  # a PyYAML built without libyaml: SafeLoader's own parser

    class _Parser(Reader, Scanner, Parser):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)


class _LineLoader(Composer, _Parser, SafeConstructor, Resolver):
    """SafeLoader's parts, with libyaml's parser where PyYAML has it.

    The composer stays in Python even then: libyaml's own composer recurses in C
    and crashes the process on brackets nested 100,000 deep, where Python's
    raises RecursionError (reported below as a content problem).
    """

    def __init__(self, stream):
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)

    def construct_object(self, node, deep=False):
        # PyYAML's own constructors raise plain ValueError for a value that looks
        # like a date but is none (2026-13-45) or a bad !!int / !!float
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as error:
            date = node.tag.endswith(":timestamp")
            raise _UnreadableValue(
                problem=f"'{node.value}' is not a valid {'date' if date else node.tag.rsplit(':', 1)[-1]} "
                        f"({error})", problem_mark=node.start_mark,
                note=("write a date as YYYY-MM-DD, or " if date else "") + "put text in quotes ('…')"
            ) from None


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict, set)):
            raise _UnreadableValue(problem="a key cannot be a list or a mapping",
                                   problem_mark=key_node.start_mark,
                                   note="write the key as plain text before the colon")
        if key in mapping:
            raise _DuplicateKey(
                problem=f"duplicate key '{key}' (first on line {mapping.key_lines[key]})",
                problem_mark=key_node.start_mark,
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList(loader.construct_object(item, deep=True) for item in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [item.start_mark.line + 1 for item in node.value]
    return sequence


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # The reader refuses control characters as written; an escape ("\e",
    # "\x07") makes one after it, so it is refused here
    text = loader.construct_scalar(node)
    bad = CONTROL.search(text)
    if bad:
        raise _EscapedControl(problem=f"control characters are not allowed (U+{ord(bad[0]):04X}, "
                                      "written as an escape)", problem_mark=node.start_mark)
    return text


def _construct_number(loader: _LineLoader, node: yaml.ScalarNode) -> int | float:
    # A number shown as text (an option, a fill-in answer, a stem) reads as it was
    # written: an option 1.10 (a dose, a version) must not show as 1.1
    if node.tag.endswith(":int"):
        number, kind = loader.construct_yaml_int(node), WrittenInt
    else:
        number, kind = loader.construct_yaml_float(node), WrittenFloat
    if str(number) == node.value:
        return number
    written = kind(number)
    written.written = node.value
    return written


_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

# YAML 1.1's number rules turn text into other numbers without a word: the times
# 7:30 and 8:00 are read as base-60 (450, 480) and 010 as octal (8). Our loader
# keeps YAML 1.1's other rules (true/yes, dates, hex) but reads those as written;
# 1, -2, 1_000, 0.5 and .inf are numbers as before.
_NUMBERS = {
    "tag:yaml.org,2002:int": re.compile(r"""^(?:[-+]?0b[0-1_]+
                                            |[-+]?(?:0|[1-9][0-9_]*)
                                            |[-+]?0x[0-9a-fA-F_]+)$""", re.X),
    "tag:yaml.org,2002:float": re.compile(r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
                                              |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                                              |[-+]?\.(?:inf|Inf|INF)
                                              |\.(?:nan|NaN|NAN))$""", re.X),
}
# For this loader only: PyYAML's own loaders (MkDocs reads mkdocs.yml with them) keep theirs
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, _NUMBERS.get(tag, pattern)) for tag, pattern in resolvers]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()}


def load_yaml(text: str, path: str):
    """Parse ``text`` (the contents of ``path``) into LineDict/LineList containers.

    Raises ContentError naming the line and the problem when the YAML is malformed.
    """
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in (error.problem or ""):
            # libyaml 0.2.6 and later stop runaway nesting themselves: say it as below
            raise ContentError([_too_deep(path)]) from None
        # A key without ':' is found missing where the next line starts; the key
        # itself (never more than one line) is where the scanner began it. A quote
        # left open is found unclosed at the end of the file: name where it opens
        unfinished_key = error.context == "while scanning a simple key" and error.context_mark
        open_quote = error.context == "while scanning a quoted scalar" and error.context_mark
        mark = (error.context_mark if unfinished_key or open_quote
                else error.problem_mark or error.context_mark)
        line = mark.line + 1 if mark else None
        lines = text.split("\n")[:line or 0]
        # The last key or item before the error indented with a full-width space
        full_width = next((number for number in range(len(lines), 0, -1)
                           if FULL_WIDTH_INDENT.match(lines[number - 1])), None)
        what = " ".join(part for part in (error.context, error.problem) if part)
        raise ContentError([ContentProblem(
            path, line, f"invalid YAML: {what}",
            "delete the escape (\\e, \\a, \\x1b …) from that text"
            if isinstance(error, _EscapedControl) else
            error.note if isinstance(error, _UnreadableValue) else
            # A Chinese input method types '：', which YAML does not take for a colon
            "write ':' (half-width) and a space instead of '：' after the key"
            if unfinished_key and "：" in "".join(lines[-1:]) else
            f"indent line {full_width} with ordinary spaces, not the full-width space '\u3000'"
            if full_width else
            "check the indentation and quoting on that line",
        )]) from None
    except yaml.reader.ReaderError as error:
        # A character YAML refuses (a control character) is refused wherever it
        # stands, so its first occurrence is the one (libyaml counts bytes, not
        # characters, in error.position)
        found = text.find(chr(error.character)) if isinstance(text, str) else -1
        line = text.count("\n", 0, found) + 1 if found >= 0 else None
        raise ContentError([ContentProblem(
            path, line, f"invalid YAML: {error.reason} (U+{error.character:04X})",
            "delete the invisible character on that line (copied from Word or a web page?)",
        )]) from None
    except yaml.YAMLError as error:
        raise ContentError([ContentProblem(path, None, f"invalid YAML: {error}")]) from None
    except RecursionError:
        raise ContentError([_too_deep(path)]) from None


class _AnyTagLoader(_LineLoader):
    """_LineLoader that reads every tag it does not know (!ENV, !!python/name:…) as null."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def unreadable_value(text: str, path: str) -> ContentProblem | None:
    """Return where ``text`` holds a value YAML parses but cannot make (the date
    2026-13-45, a list as a key), whatever tags it uses, or None.

    MkDocs reads mkdocs.yml with PyYAML's own loader, which raises a bare
    ValueError for such a date or number, naming no line.
    """
    try:
        yaml.load(text, Loader=_AnyTagLoader)
    except _UnreadableValue as error:
        return ContentProblem(path, error.problem_mark.line + 1, f"invalid YAML: {error.problem}",
                              error.note)
    except (yaml.YAMLError, RecursionError):
        pass  # problems MkDocs names itself
    return None


def _too_deep(path: str) -> ContentProblem:
    return ContentProblem(path, None,
                          "invalid YAML: brackets or indentation nested too deeply to read",
                          "a question bank needs only a few levels; check for runaway [ or {")


def trainer_files(folder: Path, pattern: str) -> list[Path]:
    """Return the files of ``folder`` matching ``pattern``, in name order, but hidden ones
    and those in hidden folders (as MkDocs leaves them out of content/): what editors keep
    beside a file being edited (.#题库.yml, a link to nowhere; .题库.yml.swp) and macOS's
    ._题库.yml. (Here, not in pages, which imports this module: the checks of misnamed
    and nested YAML files below list files by the same rule.)"""
    # glob's paths are folder's parts and then their own (relative_to took as long as glob)
    inside = len(folder.parts)
    return sorted(path for path in folder.glob(pattern) if not hidden(path.parts[inside:]))


def hidden(parts) -> bool:
    """Whether a file, by the ``parts`` of its path in a folder, is hidden or in a
    hidden folder (see trainer_files)."""
    return any(part.startswith(".") for part in parts)


def misnamed_files(folder: Path, shown_dir: str, what: str, pattern: str = "*") -> list[ContentProblem]:
    """Return a problem for each YAML file in ``folder`` (those ``pattern`` finds) not
    named ``*.yml``.

    Banks, quizzes, routes and registers are read from ``*.yml`` only: one saved as
    ``.yaml`` or ``.YML`` would otherwise be left out without a word.
    """
    return [ContentProblem(f"{shown_dir}/{path.relative_to(folder).as_posix()}", None,
                           f"{what} must end in .yml", f"rename it to {path.stem}.yml")
            for path in _yaml_files(folder, pattern) if path.suffix != ".yml"]


def nested_files(folder: Path, shown_dir: str, what: str) -> list[ContentProblem]:
    """Return a problem for each YAML file in a sub-folder of ``folder``: banks and
    routes are read from the folder itself only (a file's name is its id), so one
    filed away in a sub-folder would otherwise be left out without a word."""
    return [ContentProblem(f"{shown_dir}/{path.relative_to(folder).as_posix()}", None,
                           f"{what} in a sub-folder is not read",
                           f"move it into {shown_dir}/ itself, or out of {shown_dir}/ "
                           "if it is not to be used")
            for path in _yaml_files(folder, "*/**/*")]


def device_named_files(folder: Path, shown_dir: str, what: str) -> list[ContentProblem]:
    """Return a problem for each YAML file of ``folder`` named like a Windows device
    (quizzes/paths/con.yml): a file's name is its id, and such a file cannot be copied to
    a Windows PC or USB stick, nor the project cloned there."""
    return [ContentProblem(f"{shown_dir}/{path.name}", None,
                           device_named(path.stem, f"{what} so named"),
                           f"rename it, e.g. to {undevice_name(path.name)}")
            for path in _yaml_files(folder, "*") if device_name(path.name)]


def _yaml_files(folder: Path, pattern: str) -> list[Path]:
    """Return the trainer's files ``pattern`` finds in ``folder`` ending in .yml or .yaml
    in any case."""
    return [path for path in trainer_files(folder, pattern)
            if path.suffix.lower() in (".yaml", ".yml")]


class YamlCache:
    """Parsed YAML kept in a folder by content hash, for files read at every build.

    PyYAML builds the line-keeping containers at about 0.1 ms per question: 0.6 s
    of a build with 5,000 questions, again at each live-preview rebuild. A file
    parsed before is unpickled from ``folder`` instead (the folder is the
    project's own cache, trusted like __pycache__, and safe to delete). Files
    with errors are not kept, so their problems are reported at every build.
    Each save of a bank during live preview keeps another parsed copy, so
    ``prune`` drops the copies that no file read since holds.
    """

    VERSION = b"5"  # bump when LineDict, LineList or what the loader makes or refuses change

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.used: set[str] = set()  # names of the files in folder that load asked for

    def load(self, text: str, path: str):
        """Return ``load_yaml(text, path)``, from the cache when it holds the result."""
        if self.folder is None:
            return load_yaml(text, path)
        key = hashlib.sha256(self.VERSION + b"\n" + text.encode()).hexdigest()
        file = self.folder / f"{key[:32]}.pickle"
        self.used.add(file.name)
        data = kept_pickle(file, key)
        if data is None:  # not kept (or an empty file): parse afresh
            data = load_yaml(text, path)
            keep_pickled(file, key, data)
        return data

    def prune(self) -> None:
        """Delete the parsed copies of files that load was not asked for: call it
        once every file of the folder's owner has been loaded."""
        if self.folder is None:
            return
        for file in self.folder.glob("*.pickle"):
            if file.name not in self.used:
                try:
                    file.unlink(missing_ok=True)
                except OSError:  # a cache that cannot be written only keeps more
                    pass

