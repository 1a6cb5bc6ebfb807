"""Qinglian: MkDocs plugins and tools for hospital integrity training sites."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qinglian")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
