"""Where sessions wait when the database cannot take them (docs/reliability.md).

A session is appended as one JSON line to the first spool file that can be written,
and synced to disk. The spool folders are, in order, the site config's
`spool_folders`, or by default the database's folder and, when that is on another
filesystem, `$XDG_RUNTIME_DIR/skillcheck` (a tmpfs: it survives a full or read-only
data disk and loses its sessions only on power loss), and finally the user data
folder's `spool/` (the place of older versions, on yet another disk when the database
lives on a share).

Several processes may save to one database (`serve` runs one per browser tab): every
append and every flush of a spool file holds an OS file lock (`fcntl.flock` on
`<spool>.lock`), so a flush never removes a line another process is writing. A flush
reads the spool in place, writes its sessions to the database, then removes it. A
line that is not a valid session (half a line after a power cut, JSON that does not
parse, or one the database refuses for any reason: a number too large for SQLite, a
lone surrogate ...) is copied to `<spool>.bad`, logged with its reason, and the rest
is written. No step that saves the good lines needs free space on the spool's disk:
they go to the database first; when the bad lines cannot be copied (that disk is
full), the spool stays as it is (its stored lines are skipped by the next flush, ids
being keys) until they can. `<spool>.flushing` is what an older version's interrupted
flush left behind: it is flushed the same way.

The number of sessions waiting and the last error are kept in a small JSON file in the
user state folder (`spool_status`), for `skillcheck stats` and the staff screen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from skillcheck.paths import create_private_file, make_private_folder
from skillcheck.records import SessionRecord, record_from_json, record_to_json

log = logging.getLogger(__name__)


def _device(path: Path) -> int | None:
    """The filesystem (st_dev) a path is on, or would be on once created."""
    for candidate in (path, *path.parents):
        try:
            return candidate.stat().st_dev
        except OSError:
            continue
    return None


def legacy_spool_folder() -> Path:
    """The user data folder's spool/ (the fallback of earlier versions, still flushed)."""
    return Path(platformdirs.user_data_dir("skillcheck", appauthor=False)) / "spool"


def default_spool_folders(database: Path) -> tuple[Path, ...]:
    """The database's folder, the runtime folder when on another filesystem, the data folder."""
    folder = Path(database).absolute().parent
    folders = [folder]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute():
        runtime_folder = Path(runtime) / "skillcheck"
        if _device(runtime_folder) != _device(folder):
            folders.append(runtime_folder)
    folders.append(legacy_spool_folder())
    return tuple(dict.fromkeys(folders))


def spool_file(database: Path, folder: Path) -> Path:
    """The spool file for `database` in `folder`.

    Beside the database it is `<database>.spool.jsonl`; elsewhere its name carries a
    hash of the database's path, so two databases never share a spool.
    """
    database = Path(database).absolute()
    if Path(folder).absolute() == database.parent:
        return database.with_name(database.name + ".spool.jsonl")
    digest = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:12]
    return Path(folder) / f"{database.stem}-{digest}.jsonl"


def _taken(spool: Path) -> Path:
    """Where a spool file is moved while its sessions are written to the database."""
    return spool.with_name(spool.name + ".flushing")


def bad_file(spool: Path) -> Path:
    """Where lines that are not valid sessions are kept for a person to look at."""
    return spool.with_name(spool.name + ".bad")


@contextlib.contextmanager
def _locked(spool: Path, *, wait: bool = True, make_folder: bool = False) -> Iterator[bool]:
    """Hold the spool's OS lock, shared by every process (False: busy, and not waiting)."""
    if make_folder:
        make_private_folder(spool.parent)
    fd = os.open(spool.with_name(spool.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock


def append_line(path: Path, line: str | bytes) -> None:
    """Append one line and sync it (and a new file's directory entry) to disk."""
    new = create_private_file(path)  # staff data: 0600 from its first byte
    with open(path, "a+b") as spool:
        data = (line.encode("utf-8") if isinstance(line, str) else line) + b"\n"
        if spool.seek(0, os.SEEK_END) > 0:
            spool.seek(-1, os.SEEK_END)
            if spool.read(1) != b"\n":
                # A power cut left the last line unfinished: end it, so this record
                # gets a line of its own instead of being glued to the fragment.
                data = b"\n" + data
        spool.write(data)  # append mode: always at the end, whatever was read
        spool.flush()
        os.fsync(spool.fileno())
    if new:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def read_spool(path: Path) -> tuple[list[tuple[SessionRecord, bytes]], list[tuple[bytes, str]]]:
    """The valid sessions in a spool file (with their lines) and the bad lines (with why).

    Any line is judged on its own: whatever it holds (not UTF-8, JSON nested too deep
    for the parser, a number too large for the database), it is either a valid
    session or a bad line, never an exception that stops the others.
    """
    good: list[tuple[SessionRecord, bytes]] = []
    bad: list[tuple[bytes, str]] = []
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return good, bad
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        try:
            good.append((record_from_json(line.decode("utf-8")), line))
        except RecursionError:
            bad.append((line, "JSON nested too deeply"))
        except Exception as error:  # noqa: BLE001 - any fault of one line sets it aside
            bad.append((line, f"{type(error).__name__}: {error}"[:300]))
    return good, bad


def database_trouble(error: BaseException) -> bool:
    """True when an error of a write says the database cannot be written now (locked,
    full, read-only, gone, damaged), False when it is the fault of the record itself
    (the database or the driver refused its values): then only that record is set aside.
    """
    if isinstance(error, OSError):
        return True
    if isinstance(
        error,
        (
            sqlite3.IntegrityError,
            sqlite3.DataError,
            sqlite3.InterfaceError,
            sqlite3.ProgrammingError,
        ),
    ):
        return False
    return isinstance(error, sqlite3.Error) or not isinstance(error, Exception)


@dataclass(frozen=True)
class SpoolStatus:
    """What the staff screen and `skillcheck stats` say about the spool."""

    waiting: int  # sessions in the spool files, not yet in the database
    last_error: str | None  # why the last save did not reach the database (None after one did)
    updated: str | None  # when this was last written (ISO time, UTC)


def status_file(database: Path, state_folder: Path | None = None) -> Path:
    """The spool status file of a database, in the user state folder."""
    state_folder = state_folder or Path(platformdirs.user_state_dir("skillcheck", appauthor=False))
    database = Path(database).absolute()
    digest = hashlib.sha256(str(database.resolve()).encode()).hexdigest()[:12]
    return state_folder / "spool" / f"{database.stem}-{digest}.json"


def spool_status(database: Path, state_folder: Path | None = None) -> SpoolStatus:
    """The last status a kiosk wrote for this database (all zero when none was written)."""
    try:
        data = json.loads(status_file(database, state_folder).read_text(encoding="utf-8"))
        return SpoolStatus(int(data["waiting"]), data.get("last_error"), data.get("updated"))
    except (OSError, ValueError, KeyError, TypeError):
        return SpoolStatus(0, None, None)


def _set_aside(bad: Path, lines: list[bytes]) -> None:
    """Append the lines `bad` does not hold yet (a flush interrupted after copying them
    must not copy them twice), in one write, synced."""
    if not lines:
        return
    try:
        kept = set(bad.read_bytes().split(b"\n"))
    except FileNotFoundError:
        kept = set()
    new = [line for line in dict.fromkeys(lines) if line not in kept]
    if new:
        append_line(bad, b"\n".join(new))


def _keep_only(path: Path, lines: list[bytes]) -> None:
    """Rewrite a spool in place with only `lines` (a subset of its lines, in order).

    Each byte is written at or before where it was, so no new block is needed on a
    full disk. Only called once every other line is in the database; a power cut in
    the middle can garble the lines that were not sessions anyway, never a session.
    """
    with open(path, "r+b") as spool:
        spool.write(b"".join(line + b"\n" for line in lines))
        spool.truncate()
        spool.flush()
        os.fsync(spool.fileno())


class Spool:
    """The spool files of one database, in the order they are tried."""

    def __init__(
        self,
        database: Path,
        folders: Sequence[Path] | None = None,
        *,
        state_folder: Path | None = None,
    ) -> None:
        """`folders` as in the site config's `spool_folders` (default_spool_folders if None)."""
        self.database = Path(database)
        chosen = list(folders) if folders else list(default_spool_folders(self.database))
        # The data folder's spool is always flushed: sessions of an earlier version wait there.
        chosen.append(legacy_spool_folder())
        self.files = tuple(dict.fromkeys(spool_file(self.database, f) for f in chosen))
        self._writable = tuple(
            dict.fromkeys(
                spool_file(self.database, f) for f in (folders or default_spool_folders(database))
            )
        )
        self.status_path = status_file(self.database, state_folder)
        # Ids already in the database whose lines stay in a spool that could not be
        # cleared (its bad lines could not be set aside): not counted as waiting.
        self._stored: set[str] = set()

    def append(self, record: SessionRecord) -> Path:
        """Write the record to the first spool file that takes it; OSError if none does."""
        line = record_to_json(record)
        failures = []
        beside = self.database.absolute().parent
        for target in self._writable:
            try:
                # A missing database folder (an unmounted share) is never re-created.
                with _locked(target, make_folder=target.parent != beside):
                    append_line(target, line)
                return target
            except OSError as error:
                log.warning("spool %s not writable (%s)", target, error)
                failures.append(f"{target}: {error}")
        raise OSError("no spool writable: " + "; ".join(failures))

    def flush(self, write: Callable[[list[SessionRecord]], int]) -> int:
        """Hand the waiting sessions to `write` (which stores them, skipping ids stored).

        A file another process is flushing is left to it. When `write` fails for the
        batch, the sessions are written one by one and the ones refused for what they
        hold go to `<spool>.bad`. When the database itself is in trouble (locked,
        full, read-only: see `database_trouble`) the error propagates and the
        sessions stay where they are, for the next flush.
        """
        written = 0
        for spool in self.files:
            for path in (_taken(spool), spool):
                if not path.exists():
                    continue
                try:
                    written += self._flush_one(spool, path, write)
                except Exception as error:
                    if database_trouble(error) and not isinstance(error, OSError):
                        raise
                    # This spool's folder is read-only or gone, or something no line
                    # should cause: the file stays as it is, the others are flushed.
                    log.warning("spool %s not flushed (%s)", path, error)
        if written:
            log.info("%d spooled session(s) written to %s", written, self.database)
        return written

    def _flush_one(
        self, spool: Path, path: Path, write: Callable[[list[SessionRecord]], int]
    ) -> int:
        with _locked(spool, wait=False) as mine:
            if not mine:
                return 0  # another process is flushing this file
            if not path.exists():
                return 0  # flushed by another process meanwhile
            return self._flush_file(path, bad_file(spool), write)

    def _flush_file(
        self, path: Path, bad: Path, write: Callable[[list[SessionRecord]], int]
    ) -> int:
        """Write the good lines to the database first, then set the bad ones aside, then
        remove the file: nothing before the database write needs space on this disk."""
        good, broken = read_spool(path)
        written = 0
        if good:
            try:
                written = write([record for record, _ in good])
            except Exception as error:
                if database_trouble(error):
                    raise
                written = 0
                for record, line in good:
                    try:
                        written += write([record])
                    except Exception as error:
                        if database_trouble(error):
                            raise  # the ones written are skipped by the next flush
                        broken.append((line, f"refused by the database: {error}"[:300]))
        for _line, why in broken:
            log.warning("%s: spooled line set aside in %s (%s)", path, bad, why)
        lines = [line for line, _ in broken]
        try:
            _set_aside(bad, lines)
        except OSError as error:
            # The spool's disk is full (maybe of this very spool): the good lines are
            # in the database, so the file is cut down to its bad lines, in place (no
            # new block needed), which frees the space to set them aside.
            try:
                _keep_only(path, lines)
                _set_aside(bad, lines)
            except OSError:
                self._stored.update(record.id for record, _ in good)
                log.warning(
                    "%s: %d line(s) that are not sessions could not be set aside in %s "
                    "(%s); they stay in the spool until they can",
                    path,
                    len(lines),
                    bad,
                    error,
                )
                return written
        path.unlink(missing_ok=True)
        self._stored.difference_update(record.id for record, _ in good)
        return written

    def waiting(self) -> list[SessionRecord]:
        """Sessions waiting in the spool files, oldest first (being flushed included)."""
        return [
            record
            for spool in self.files
            for path in (_taken(spool), spool)
            for record, _ in read_spool(path)[0]
            if record.id not in self._stored
        ]

    def write_status(self, last_error: str | None) -> SpoolStatus:
        """Record how many sessions wait and the last error; never raises."""
        status = SpoolStatus(
            waiting=len(self.waiting()),
            last_error=last_error,
            updated=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        try:
            make_private_folder(self.status_path.parent)
            temporary = self.status_path.with_name(self.status_path.name + f".{os.getpid()}.tmp")
            create_private_file(temporary)
            temporary.write_text(json.dumps(status.__dict__, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.status_path)
        except OSError as error:
            log.warning("spool status %s not written (%s)", self.status_path, error)
        return status
