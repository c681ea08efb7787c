"""The error for input a person gave that cannot be used (a leaf module, imported by all)."""

from __future__ import annotations


class InputError(Exception):
    """A file, path or value given by a facilitator that cannot be used.

    The command line prints its message as one line and exits with code 2; anything
    else that goes wrong (a bug) keeps its traceback.
    """
