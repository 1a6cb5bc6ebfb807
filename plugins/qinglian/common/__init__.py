"""What the Qinglian plugins share: YAML with line numbers, UI strings, hashing, errors.

Nothing in here imports MkDocs, so every plugin core can use it.
"""
