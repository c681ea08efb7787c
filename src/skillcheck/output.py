"""Writing a facilitator's output file without ever destroying anything else.

Every file a facilitator command writes (an export, a report, the staff screen's
export) goes through `write_output`. It writes only a new file or one that starts
with what skillcheck itself writes for that format (an earlier export or report), so
a database, its `-wal`/`-shm`/`-journal`, a spool, a PIN, lock-out or config file is
never overwritten, whatever its name; names of such files are refused even when the
file does not exist yet (a made-up `-wal` would be read by SQLite). The data goes
through a temporary file renamed into place, so a failed write leaves the old file
as it was. A pipe or terminal (`/dev/stdout`) is written straight to.
"""

from __future__ import annotations

import functools
import os
import re
import stat
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


# Names of skillcheck's own files and SQLite's companions: never an output, even new.
_NOT_OUTPUT_NAMES = re.compile(
    r".*(-wal|-shm|-journal|\.pin|\.toml|\.jsonl|\.bad|\.flushing|\.lock)$"
    r"|pin-lock-.*\.json$",
    re.IGNORECASE,
)
FORMATS = ("csv", "json", "pdf")


@functools.cache
def _csv_headers() -> tuple[bytes, ...]:
    """How skillcheck's CSV exports begin: the "period" label in every language, then
    `,` (plain) or `;` (Belgian Excel, after a byte order mark)."""
    from skillcheck.i18n import SOURCE_LANGUAGE, discover_languages
    from skillcheck.paths import LOCALES_DIR
    from skillcheck.reports import COLUMN_LABELS, report_translator

    labels = {COLUMN_LABELS["period"]}
    for language in (SOURCE_LANGUAGE, *discover_languages(LOCALES_DIR)):
        labels.add(report_translator(language).gettext(COLUMN_LABELS["period"]))
    starts = []
    for label in labels:
        starts += [label.encode() + b",", b"\xef\xbb\xbf" + label.encode() + b";"]
    return tuple(starts)


def written_by_skillcheck(output: Path, kind: str) -> bool:
    """True when the file starts with what skillcheck writes for `kind` (csv, json, pdf)."""
    try:
        with open(output, "rb") as file:
            head = file.read(4096)
            if kind == "pdf":
                # matplotlib writes the document information (our Creator) at the end.
                file.seek(max(0, os.fstat(file.fileno()).st_size - 65536))
                tail = file.read()
    except OSError:
        return False
    if kind == "csv":
        return head.startswith(_csv_headers())
    if kind == "json":
        return head.startswith(b'{\n  "by": ')
    return head.startswith(b"%PDF-") and b"/Creator (skillcheck)" in tail


def check_output_path(output: Path, *, kind: str, sources: tuple[Path, ...] = ()) -> None:
    """Refuse an output that is a source (or its -wal/-shm/-journal), a name of the
    files skillcheck or SQLite keep, or an existing file skillcheck did not write as
    `kind` (csv, json or pdf)."""
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
    if kind not in FORMATS:
        raise ValueError(f"unknown output format {kind!r}")
    if is_sqlite_file(output):
        raise OutputRefused(f"{output}: this is a SQLite database; it is never overwritten")
    if output.is_dir():
        raise OutputRefused(f"{output}: is a folder; give a file name")
    if not output.parent.is_dir():
        raise OutputRefused(f"{output}: the folder {output.parent} does not exist")
    if _NOT_OUTPUT_NAMES.match(output.name):
        raise OutputRefused(
            f"{output}: the name of a database, spool, PIN, lock-out or config file; "
            f"give the {kind} output another name"
        )
    try:
        mode = output.stat().st_mode
    except FileNotFoundError:
        return  # a new file
    except OSError as error:
        raise OutputRefused(f"{output}: cannot be checked ({error.strerror})") from None
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return  # a terminal, /dev/stdout, /dev/null or a pipe: nothing kept to destroy
    if not stat.S_ISREG(mode):
        raise OutputRefused(f"{output}: not a regular file; give a file name")
    if not written_by_skillcheck(output, kind):
        raise OutputRefused(
            f"{output}: already exists and is not a {kind} file skillcheck wrote; "
            "it is never overwritten (give a new file name)"
        )


def write_output(output: Path, data: bytes, *, kind: str, sources: tuple[Path, ...] = ()) -> None:
    """Write `data` to `output` atomically, after `check_output_path`."""
    check_output_path(output, kind=kind, sources=sources)
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
