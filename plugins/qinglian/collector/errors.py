"""The error for mistakes in how the collector is started or pointed at files."""


class SetupError(Exception):
    """A file or option the collector cannot use; the message says which and how to fix it."""


class StoreUnavailable(Exception):
    """The database cannot take a write now (locked, full, failing); the message says why
    and what an admin can do. The sender is told to try again later."""
