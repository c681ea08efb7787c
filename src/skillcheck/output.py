"""Writing a facilitator's output file without ever destroying a database.

Every file a facilitator command writes (an export, later a report) goes
through `write_output`: it refuses a path that is the database being read, or
any existing SQLite file (by its header), and writes through a temporary file
renamed into place, so a failed write leaves the old file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from skillcheck.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"


class OutputRefused(InputError, ValueError):
    """The output path would overwrite something we were only asked to read."""


def is_sqlite_file(path: Path) -> bool:
    """True when `path` exists and starts with SQLite's file header."""
    try:
        with open(path, "rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_output_path(output: Path, *, sources: tuple[Path, ...] = ()) -> None:
    """Refuse an output that is a source (or its -wal/-shm/-journal) or any SQLite file."""
    for source in sources:
        companions = [source] + [
            source.with_name(source.name + suffix) for suffix in ("-wal", "-shm", "-journal")
        ]
        for companion in companions:
            if _same_file(output, companion) or (
                Path(os.path.abspath(output)) == Path(os.path.abspath(companion))
            ):
                raise OutputRefused(
                    f"{output}: this is the database being read; choose another output file"
                )
    if is_sqlite_file(output):
        raise OutputRefused(f"{output}: this is a SQLite database; it is never overwritten")
    if output.is_dir():
        raise OutputRefused(f"{output}: is a folder; give a file name")
    if not output.parent.is_dir():
        raise OutputRefused(f"{output}: the folder {output.parent} does not exist")


def write_output(output: Path, data: bytes, *, sources: tuple[Path, ...] = ()) -> None:
    """Write `data` to `output` atomically, after `check_output_path`."""
    check_output_path(output, sources=sources)
    if output.exists() and not output.is_file():
        # A device or pipe (/dev/stdout, a FIFO): no rename possible; write straight to it.
        try:
            with open(output, "wb") as file:
                file.write(data)
        except OSError as error:  # /dev/full: name the output in the one-line error
            raise OSError(error.errno, error.strerror, str(output)) from None
        return
    folder = output.parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, output)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
