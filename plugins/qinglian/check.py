"""``qinglian check``: every plugin's validation, without building the site."""

from __future__ import annotations

import logging
import os
from importlib.metadata import entry_points
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError
from yaml.reader import ReaderError

from .common.pages import read_source
from .common.yamlio import unreadable_value


def load_site(config_file: Path):
    """Return (the MkDocs config or None, the problems of mkdocs.yml itself).

    Raises FileNotFoundError when there is no such file.
    """
    # os.path.isfile: Path.is_file raises for a name longer than the system allows
    if not os.path.isfile(config_file):
        where = "" if os.path.isabs(config_file) else f" in {os.getcwd()}"
        raise FileNotFoundError(f"no MkDocs configuration at '{config_file}'{where}; run the "
                                "command in the site's folder (the one holding mkdocs.yml), "
                                "or give its mkdocs.yml with -f")

    # Saved by Notepad as ANSI (GBK), MkDocs names only a byte position
    _, not_text = read_source(config_file, str(config_file))
    if not_text:
        return None, [str(not_text)]

    # MkDocs reports configuration problems through its log, not as values
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        config = load_config(str(config_file))
    except (Abort, ConfigurationError) as error:
        not_text = _inherited_not_text(error, config_file)
        if not_text:
            return None, [not_text]
        return None, [f"{config_file}: {message}" for message in collector.messages or [str(error)]]
    except ValueError as error:
        # PyYAML's own constructors raise it for a value they cannot make
        found = unreadable_value(config_file.read_text(encoding="utf-8", errors="replace"),
                                 str(config_file))
        return None, [str(found) if found else f"{config_file}: MkDocs cannot read it ({error})"]
    finally:
        logger.removeHandler(collector)
    return config, [f"{config_file}: {message}" for message in collector.messages]


def check_site(config_file: Path) -> list[str]:
    """Return every problem the enabled Qinglian plugins find in the site's sources.

    Problems of mkdocs.yml itself (which ``mkdocs build --strict`` would also
    refuse) come first, prefixed with the file's name; a config that enables no
    Qinglian plugin is one.
    """
    config, problems = load_site(config_file)
    if config is None:
        return problems
    enabled = [plugin for name, plugin in config.plugins.items()
               if name.startswith("qinglian/") and plugin.config.enabled]
    # Else "no problems" would pass a site whose pages and banks nothing read
    if not enabled:
        names = sorted(point.name for point in entry_points(group="mkdocs.plugins")
                       if point.name.startswith("qinglian/"))
        problems.append(f"{config_file}: enables none of Qinglian's plugins "
                        f"({', '.join(names)}), so nothing was checked; list them under "
                        "'plugins:' as the project's mkdocs.yml does, or give that file "
                        "with -f")
    for plugin in enabled:
        problems += plugin.check(config)
    # Several plugins read the same page (one not in UTF-8 is named by each)
    return list(dict.fromkeys(problems))


def _inherited_not_text(error: Exception, config_file: Path) -> str | None:
    """Return the line and fix for the file ``config_file`` inherits (INHERIT:) when it is
    not UTF-8 (saved as ANSI, GBK), which MkDocs names only by a byte position; else None."""
    reader = error.__context__
    if not isinstance(reader, ReaderError):
        return None
    inherited = Path(reader.name)  # absolute, as MkDocs opens it
    folder = Path(os.path.abspath(config_file)).parent
    # Beside the given file, named as the user wrote that one's path
    shown = (config_file.parent / inherited.relative_to(folder)
             if inherited.is_relative_to(folder) else inherited)
    _, not_text = read_source(inherited, str(shown))
    return str(not_text) if not_text else None


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())
