"""The session store: the one place that opens the SQLite database.

`open_database` is the only opener, for the kiosk (read-write: creates a new file
with schema.SCHEMA, upgrades an older one after writing a backup beside it) and for
every facilitator command that reads a database (`read_only=True`: never changes the
file's journal mode, size or bytes). A file that is missing, empty, not SQLite or
another program's database (recognised by its tables, not its `user_version`) is
refused with StoreError and left as it was.

When the database cannot be written (locked past the busy timeout, read-only, disk
full, folder gone, the file deleted or replaced by something else) a session goes to
the spool (spool.py) and is written on the next successful save or start, so the
citizen never sees an error and no session is lost.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import secrets
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillcheck import migrations, schema
from skillcheck.errors import InputError
from skillcheck.paths import create_private_file, make_private_folder
from skillcheck.records import SessionRecord, anonymous_form, check_record
from skillcheck.schema import SCHEMA_VERSION
from skillcheck.spool import Spool, SpoolStatus

if TYPE_CHECKING:
    import sqlite_utils

__all__ = [
    "NewerSchemaError",
    "OlderSchemaError",
    "SCHEMA_VERSION",
    "SessionCounts",
    "SessionRecord",
    "Store",
    "StoreError",
    "anonymous_form",
    "check_record",
    "open_database",
    "save_session",
    "schema_version",
    "write_transaction",
]

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"


class StoreError(InputError):
    """A database that cannot be used: missing, empty, not SQLite, foreign, newer schema."""


class NewerSchemaError(StoreError):
    """The database was written by a newer skillcheck than this one."""


class OlderSchemaError(StoreError):
    """A database of an older schema, opened read-only (it cannot be upgraded in place)."""


@dataclass(frozen=True)
class SessionCounts:
    """What the facilitator screen shows; spooled sessions are included in both counts."""

    today: int
    this_month: int
    spooled: int
    last_error: str | None = None  # why sessions are waiting, when they are
    # Sessions made while the kiosk's clock was implausible (stored, spooled): in no count
    implausible: int = 0


# --- recognising and opening ------------------------------------------------------


def schema_version(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """The schema version stored in PRAGMA user_version."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def _tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    names = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        name: tuple(row[1] for row in conn.execute(f'PRAGMA table_info("{name}")'))
        for name in names
    }


def recognise(conn: sqlite3.Connection, path: Path) -> int:
    """The schema version of a skillcheck database (0: empty); StoreError for anything else.

    A file is skillcheck's when its tables and their columns are exactly those of the
    version its `user_version` names: another program's database with the same
    `user_version` is still foreign.
    """
    version = schema_version(conn)
    tables = _tables(conn)
    if version > SCHEMA_VERSION and "sessions" in tables:
        raise NewerSchemaError(
            f"{path}: database schema version {version} is newer than this skillcheck "
            f"understands ({SCHEMA_VERSION}); update skillcheck"
        )
    if version == 0 and not tables:
        return 0
    if version == SCHEMA_VERSION:
        expected = dict(schema.COLUMNS)
    elif version in migrations.OLD_TABLES:
        expected = migrations.old_columns(version)
    else:
        expected = None
    if expected != tables:
        names = ", ".join(sorted(tables)) or "none"
        raise StoreError(f"{path}: not a skillcheck database (its tables: {names})")
    return version


def _check_file(path: Path) -> None:
    """Refuse, without opening it, what cannot be a database: missing, empty, not SQLite,
    not a regular file (opening a FIFO to read its header would wait forever)."""
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise StoreError(f"{path}: not a regular file (a pipe or a device), not a database")
    except PermissionError:
        raise StoreError(f"{path}: not readable (permission denied)") from None
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise StoreError(f"{path}: no such database file") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a database file") from None
    except PermissionError:
        raise StoreError(f"{path}: not readable (permission denied)") from None
    if not header:
        raise StoreError(f"{path}: empty file (0 bytes), not a skillcheck database")
    if header != SQLITE_HEADER:
        raise StoreError(f"{path}: not an SQLite database")


def sqlite_uri(path: Path, mode: str, immutable: bool = False) -> str:
    uri = f"file:{urllib.parse.quote(str(path.absolute()))}?mode={mode}"
    return uri + ("&immutable=1" if immutable else "")


def writable_location(path: Path) -> bool:
    # os.access sees chattr +i and read-only mounts even as root (chmod alone does not
    # stop root, and is not what read-only media look like).
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_database(
    path: Path | str,
    *,
    read_only: bool = False,
    create: bool = True,
    busy_timeout: float = 5.0,
    region: str | None = None,
    require_current: bool = True,
    plain: bool = False,
) -> sqlite_utils.Database | sqlite3.Connection:
    """Open a skillcheck database (the one opener for the kiosk and every command).

    Read-write (the kiosk, `merge --into`): WAL, synchronous=FULL, foreign_keys=ON and
    a busy timeout in seconds; a missing file is created with the current schema when
    `create`, an older schema is upgraded (backup beside it first; old sessions get
    `region`, see migrations.py). Transactions are explicit (`write_transaction`).

    `read_only=True` (stats, export, merge sources, backup, check): SQLite's
    `mode=ro`, and `immutable=1` when the file or its folder cannot be written
    (read-only media, chattr +i), so the file is never changed. An older schema is
    refused with OlderSchemaError unless `require_current=False`.

    `plain=True` returns the sqlite3 connection itself, without sqlite-utils'
    `Database` around it: the kiosk's Store only saves and counts, and sqlite-utils
    with what it imports (dateutil, pluggy, email) is ≈ 5 MiB of the kiosk's memory
    (issue 25).

    Raises StoreError for a file that is missing, empty, not SQLite, another
    program's database or a newer schema, before anything is written to it;
    sqlite3/OS errors (locked, read-only, disk full) propagate for the caller.
    """
    path = Path(path)
    if read_only:
        return _wrapped(_open_read_only(path, busy_timeout, require_current), plain)
    new = not path.exists() and create
    if not new:
        _check_file(path)
    else:
        # Staff data: the folder 0700, the file 0600 before SQLite writes a byte
        # (SQLite gives the -wal and -shm files the database file's permissions).
        make_private_folder(path.parent)
        create_private_file(path)

    def set_up(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        version = recognise(conn, path)  # before anything could change the file
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if version == 0:
            _create(conn, path)
        elif version < SCHEMA_VERSION:
            _upgrade(conn, path, version, region)

    # mode=rw never creates a file: a database deleted after the check stays deleted.
    return _wrapped(_connect(path, "rwc" if new else "rw", set_up), plain)


def _wrapped(conn: sqlite3.Connection, plain: bool) -> sqlite_utils.Database | sqlite3.Connection:
    """`conn` itself when `plain`, else in sqlite-utils' Database (imported only then)."""
    if plain:
        return conn
    import sqlite_utils

    return sqlite_utils.Database(conn)


def _connection(db: sqlite_utils.Database | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection of `db` (a sqlite-utils Database holds it as `.conn`)."""
    return db if isinstance(db, sqlite3.Connection) else db.conn


def _connect(
    path: Path,
    mode: str,
    set_up: Callable[[sqlite3.Connection], None],
    *,
    immutable: bool = False,
) -> sqlite3.Connection:
    """A connection to `path` (an SQLite URI `mode`) with `set_up(conn)` run on it: closed
    again if that fails, and a file that is not a database named as such."""
    conn = sqlite3.connect(
        sqlite_uri(path, mode, immutable=immutable),
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    try:
        set_up(conn)
    except sqlite3.DatabaseError as error:
        conn.close()
        if "not a database" in str(error) or "malformed" in str(error):
            raise StoreError(f"{path}: not an SQLite database ({error})") from None
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def _wal_is_empty(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size == 0
    except FileNotFoundError:
        return True


def _open_read_only(path: Path, busy_timeout: float, require_current: bool) -> sqlite3.Connection:
    _check_file(path)
    immutable = not writable_location(path)

    def set_up(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        conn.execute("PRAGMA query_only = ON")
        version = recognise(conn, path)
        if version == 0:
            raise StoreError(f"{path}: an empty SQLite database, not a skillcheck database")
        if require_current and version < SCHEMA_VERSION:
            raise OlderSchemaError(
                f"{path}: database schema version {version} is older than this skillcheck's "
                f"({SCHEMA_VERSION}); upgrade it first with `skillcheck upgrade --db {path}` "
                "(it writes a backup beside it)"
            )

    try:
        return _connect(path, "ro", set_up, immutable=immutable)
    except sqlite3.OperationalError:
        # A WAL database on a full disk: SQLite cannot create the -shm file a
        # reader needs. With no WAL content the file alone is the whole database
        # and nobody can write it meanwhile, so it is read as immutable.
        if immutable or not _wal_is_empty(path):
            raise
    return _connect(path, "ro", set_up, immutable=True)


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection | sqlite_utils.Database) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT (ROLLBACK on any error).

    IMMEDIATE takes the write lock at BEGIN, honouring the busy timeout; a deferred
    transaction whose first statement only reads would fail at once with "database
    is locked" when it later needs to write.
    """
    conn = _connection(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _create(conn: sqlite3.Connection, path: Path) -> None:
    with write_transaction(conn):
        # Another process may have created it since we looked.
        if recognise(conn, path) == 0:
            schema.create_schema(conn)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def backup_path(path: Path, version: int) -> Path:
    """A free name beside `path` for its copy before an upgrade: `<name>.v4-backup.db`."""
    for number in range(1, 1000):
        tail = "" if number == 1 else f"-{number}"
        candidate = path.with_name(f"{path.stem}.v{version}-backup{tail}{path.suffix or '.db'}")
        if not candidate.exists():
            return candidate
    raise StoreError(f"{path}: too many upgrade backups beside it; remove old ones")


def partial_name(path: Path) -> Path:
    """A temporary name beside `path` for a copy being written (hidden, never reused)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")


def put_in_place(written: Path, final: Path) -> None:
    """Sync a finished copy, rename it to its final name (never over an existing file),
    and sync the folder, so that after a power cut the name holds the whole copy or
    nothing."""
    with open(written, "rb") as file:
        os.fsync(file.fileno())
    if final.exists():
        raise StoreError(f"{final}: already exists; choose a new file name")
    os.replace(written, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _upgrade(conn: sqlite3.Connection, path: Path, version: int, region: str | None) -> None:
    """Back the file up beside itself, migrate it, and leave no old value in free pages."""
    backup = backup_path(path, version)
    # Under a temporary name first: a power cut inside the copy must not leave a
    # broken file under the backup's own name (a facilitator would restore it).
    partial = partial_name(backup)
    try:
        conn.execute("VACUUM INTO ?", [str(partial)])
        put_in_place(partial, backup)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    # Pages freed by the migration are overwritten with zeros, and the VACUUM below
    # rebuilds the file, so the durations of versions 1-5 do not survive in it.
    conn.execute("PRAGMA secure_delete = ON")
    try:
        with write_transaction(conn):
            current = recognise(conn, path)
            if current == version:
                migrations.migrate_to_current(conn, version, region)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        # Nothing changed (busy, disk full …): the copy is not needed, and retries at
        # every save must not pile copies up beside the database.
        backup.unlink(missing_ok=True)
        raise
    if current != version:  # another kiosk process upgraded it meanwhile, with its copy
        backup.unlink(missing_ok=True)
        return
    log.warning(
        "database %s: schema %d upgraded to %d; the old file is kept as %s",
        path,
        version,
        SCHEMA_VERSION,
        backup,
    )
    try:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as error:  # busy: the zeroed pages still hold nothing
        log.warning("database %s: VACUUM after the upgrade not done (%s)", path, error)


def upgrade_database(path: Path, region: str | None) -> int:
    """Upgrade a database of an older schema in place (backup first); returns the old version."""
    probe = open_database(path, read_only=True, require_current=False)
    try:
        version = schema_version(probe)
    finally:
        probe.close()
    open_database(path, create=False, region=region).close()
    return version


# --- saving ----------------------------------------------------------------------

_INSERT_SESSION = (
    "INSERT INTO sessions (id, day, site, terminal, region, language, status, "
    "items_answered, category, bank_version, scoring_version, cell_key, clock) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)
_INSERT_LEVEL = "INSERT INTO area_results (session_id, area, level) VALUES (?, ?, ?)"
_INSERT_ANSWER = "INSERT INTO answers (session_id, item_id, answer) VALUES (?, ?, ?)"
# Schema 7: each new session also waits in the outbox for the central database (push.py).
_INSERT_OUTBOX = "INSERT INTO outbox (session_id) VALUES (?)"


def save_session(db: sqlite_utils.Database | sqlite3.Connection, record: SessionRecord) -> None:
    """Store one session in one transaction: all of its rows or none.

    Answers, levels and category of an abandoned session are dropped here, whatever
    the caller passed. Raises ValueError for an invalid record and sqlite3 errors
    when the database cannot be written.
    """
    save_sessions(db, [record])


def save_sessions(
    db: sqlite_utils.Database | sqlite3.Connection, records: Sequence[SessionRecord]
) -> int:
    """Save records in one transaction, skipping ids already stored; returns how many.

    Each session draws its secret `cell_key` here. A spooled session whose earlier
    flush committed but whose spool file could not be removed is not stored twice.
    """
    for record in records:
        check_record(record)
    conn = _connection(db)
    saved = 0
    with write_transaction(conn):
        for record in records:
            r = anonymous_form(record)
            inserted = conn.execute(
                _INSERT_SESSION,
                (
                    r.id, r.day, r.site, r.terminal, r.region, r.language, r.status,
                    r.items_answered, r.category, r.bank_version,
                    r.scoring_version, migrations.new_cell_key(), r.clock,
                ),
            ).rowcount  # fmt: skip
            if not inserted:
                continue
            conn.executemany(
                _INSERT_LEVEL, [(r.id, int(a), level) for a, level in sorted(r.levels.items())]
            )
            conn.executemany(
                _INSERT_ANSWER, [(r.id, item, code) for item, code in sorted(r.answers.items())]
            )
            conn.execute(_INSERT_OUTBOX, (r.id,))
            saved += 1
    return saved


def count_implausible(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """Sessions stored while the kiosk's clock was implausible (left out of every figure)."""
    return db.execute("SELECT count(*) FROM sessions WHERE clock = 'implausible'").fetchone()[0]


# --- the Store the kiosk holds ----------------------------------------------------


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


class Store:
    """The kiosk's handle on the database; `save` never raises for disk trouble.

    Each operation opens its own connection: sqlite connections refuse use from a
    second thread, and a fresh open notices a database that became writable again,
    or that was deleted or replaced: before each save the file must still be a
    skillcheck database. A missing, empty or foreign file is never re-created over;
    sessions are spooled and the log and the spool status say why. A valid
    replacement (a restore from a backup) is taken and the spool flushed into it.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout: float = 5.0,
        spool_folders: Sequence[Path] | None = None,
        region: str | None = None,
        state_folder: Path | None = None,
    ) -> None:
        """Remember the database, create it on the very first start, flush a waiting spool.

        `region` is the terminal's configured region, given to the sessions of an
        older database when it is upgraded.
        """
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.region = region
        self.spool = Spool(self.path, spool_folders, state_folder=state_folder)
        # The kiosk saves from worker threads: one save (with its flush and spooling)
        # at a time in this process; the spool's file lock covers other processes.
        self._lock = threading.Lock()
        # A database is created only when no file was ever seen at this path: one that
        # disappears later (deleted, a share unmounted) is not replaced by an empty one.
        self._may_create = not self.path.exists()
        self._identity: tuple[int, int] | None = None
        self._last_error: str | None = None
        with self._lock:
            try:
                db = self._open(at_start=True)
            except StoreError as error:
                # Not SQLite, another program's database or a newer schema: no save can
                # succeed until someone replaces it, so sessions go to the spool meanwhile.
                log.error("database %s unusable (%s); sessions will be spooled", self.path, error)
                self._note(str(error))
                return
            except (OSError, sqlite3.Error) as error:
                log.warning("database %s not available at start (%s)", self.path, error)
                self._note(str(error))
                return
            try:
                self.spool.flush(lambda records: save_sessions(db, records))
                self._note(None)
            except (OSError, sqlite3.Error, StoreError) as error:
                log.warning("spooled sessions not written yet (%s)", error)
                self._note(str(error))
            finally:
                db.close()

    def _open(self, at_start: bool = False) -> sqlite3.Connection:
        if at_start and self._may_create:
            make_private_folder(self.path.parent)
        # Later, a missing folder means an unmounted share: spool, never re-create it.
        if not self.path.parent.is_dir():
            raise FileNotFoundError(f"database folder {self.path.parent} is missing")
        create = self._may_create and not self.path.exists()
        if not create and not self.path.exists():
            raise StoreError(
                f"{self.path}: the database file is gone; sessions are spooled until it is "
                "restored (it is not re-created empty)"
            )
        db = open_database(
            self.path,
            create=create,
            busy_timeout=self.busy_timeout,
            region=self.region,
            plain=True,
        )
        self._may_create = False
        identity = _identity(self.path)
        if self._identity is not None and identity != self._identity:
            log.warning("database %s was replaced by another valid database; using it", self.path)
        self._identity = identity
        return db

    def _note(self, error: str | None) -> None:
        self._last_error = error
        self.spool.write_status(error)

    def save(self, record: SessionRecord) -> bool:
        """Store a session; on disk trouble spool it and log a warning.

        Returns True when it reached the database, False when it was spooled (or, when
        no spool could be written either, lost: the log says so as an error). Raises
        ValueError only for an invalid record (a bug in the caller).
        """
        check_record(record)
        record = anonymous_form(record)  # the spool keeps no more than the database
        with self._lock:
            try:
                db = self._open()
                try:
                    self.spool.flush(lambda records: save_sessions(db, records))
                    save_session(db, record)
                finally:
                    db.close()
                if self._last_error is not None:
                    self._note(None)
                return True
            except (OSError, sqlite3.Error, StoreError) as error:
                log.warning("database %s not writable (%s); session spooled", self.path, error)
                try:
                    self.spool.append(record)
                except OSError as spool_error:
                    # Nowhere left to write: the log is the last trace of this session.
                    log.error("session %s lost: %s", record.id, spool_error)
                self._note(str(error))
                return False

    def spooled(self) -> list[SessionRecord]:
        """Sessions waiting in the spool files, oldest first (being flushed included)."""
        return self.spool.waiting()

    def spool_status(self) -> SpoolStatus:
        """How many sessions wait and why (the last error), as the staff screen shows it."""
        return SpoolStatus(len(self.spooled()), self._last_error, None)

    def counts(self, today: dt.date) -> SessionCounts:
        """Sessions today and this month (spooled ones included), never raising."""
        day = today.isoformat()
        month_start = today.replace(day=1).isoformat()
        waiting = self.spooled()
        plausible = [r for r in waiting if r.clock == "ok"]
        stored_today = stored_month = stored_implausible = 0
        try:
            db = open_database(
                self.path, read_only=True, busy_timeout=self.busy_timeout, plain=True
            )
            try:
                stored_month, stored_today = db.execute(
                    "SELECT coalesce(sum(sessions), 0), coalesce(sum(sessions * (day = ?)), 0) "
                    "FROM daily_sessions WHERE day BETWEEN ? AND ?",
                    [day, month_start, day],
                ).fetchone()
                stored_implausible = count_implausible(db)
            finally:
                db.close()
        except (OSError, sqlite3.Error, StoreError) as error:
            log.warning("counts from %s not available (%s)", self.path, error)
        return SessionCounts(
            today=stored_today + sum(r.day == day for r in plausible),
            this_month=stored_month + sum(month_start <= r.day <= day for r in plausible),
            spooled=len(waiting),
            last_error=self._last_error,
            implausible=stored_implausible + len(waiting) - len(plausible),
        )
