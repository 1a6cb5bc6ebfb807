"""The error for mistakes in how the collector is started or pointed at files."""


class SetupError(Exception):
    """A file or option the collector cannot use; the message says which and how to fix it."""
