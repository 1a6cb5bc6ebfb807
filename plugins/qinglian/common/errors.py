"""One shape for every content problem: file, line, what is wrong, how to fix it."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class ContentProblem:
    """A mistake in a trainer's file, reported as ``file:line: message — fix``."""

    path: str
    line: int | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class ContentError(Exception):
    """Raised when a file cannot be read at all (the problems say why)."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def shown_path(path: str, config_file_path: str) -> str:
    """Return ``path`` relative to the project (mkdocs.yml's folder), as trainers see it."""
    project = _project_folder(config_file_path, os.getcwd())
    # Several plugins name every page on every build, and relpath cost 25 µs a
    # call: a plain path inside the project is cut instead
    if path.startswith(project) and os.sep + "." not in path:
        return path[len(project):]
    return os.path.relpath(path, project)


# (the working folder is part of the key: mkdocs.yml's path may be relative)
@lru_cache(maxsize=8)
def _project_folder(config_file_path: str, cwd: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(config_file_path)), "")


def cannot_write(path: Path, error: OSError) -> str:
    """Return why ``path`` (a file to write, or a folder to write into) could not be
    written, and what to do. A file where a folder must be, or a folder where a file
    must be, is named as such: the system says only "File exists" or "Is a directory"."""
    if isinstance(error, IsADirectoryError):
        return f"cannot write '{path}': it is a folder; give a file name"
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        attempted = Path(error.filename or path)  # a sub-folder of an output folder too
        in_the_way = next((folder for folder in reversed([attempted, *attempted.parents])
                           if folder.is_file()), None)
        if in_the_way is not None:
            return (f"cannot write '{path}': '{in_the_way}' is a file, not a folder; rename "
                    "that file, or write elsewhere")
    if isinstance(error, PermissionError):
        # On Windows, the usual cause: last time's file is still open
        return (f"cannot write '{path}': {error.strerror}; close it if Excel or WPS has it "
                "open, or give a path in a writable folder")
    return f"cannot write '{path}': {error.strerror}; give a path in a writable folder"


def did_you_mean(value, choices) -> str:
    """Return " (did you mean 'x'?)" for the closest of ``choices``, or ""."""
    guess = get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{guess[0]}'?)" if guess else ""


def meant_path(path: str, paths) -> str:
    """Return " (did you mean 'x'?)" for the one of ``paths`` that ``path`` names but for
    letter case or a Windows "\\" between folders (Windows opens the file either way, the
    build machine does not), or ""."""
    same = named_path(path, paths)
    return f" (did you mean '{same}'?)" if same else ""


def named_path(path: str, paths) -> str | None:
    """Return the one of ``paths`` that ``path`` names but for letter case or a Windows
    "\\" between folders, or None."""
    wanted = posixpath.normpath(path.strip().replace("\\", "/")).casefold()
    return next((each for each in paths if each.casefold() == wanted), None)


def device_name(name: str) -> bool:
    """Whether Windows takes a file or folder ``name`` for a device (CON, aux.yml, Com1.x):
    it cannot be created there, so a site or clone holding it cannot be copied to a
    ward PC, a share or a USB stick."""
    return name.split(".")[0].rstrip(" ").upper() in _WINDOWS_DEVICES


def device_named(name: str, what: str) -> str:
    """Say that ``name`` is a device's on Windows, so ``what`` (a file so named) cannot be
    copied there."""
    return (f"'{name}' is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM0-COM9, "
            f"LPT0-LPT9): {what} cannot be copied to a Windows PC or USB stick")


_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT")
                                                   for n in "0123456789¹²³")}


def undevice_name(name: str) -> str:
    """Return ``name`` made no device's (con.yml → con-1.yml), as a fix to suggest."""
    stem, dot, rest = name.partition(".")
    return f"{stem.rstrip(' ')}-1{dot}{rest}"
