"""Copies of sessions between database files: merge terminals, back up, purge old ones.

Sources are opened read-only (store.open_database(read_only=True)): a merge or a
backup never changes the file it reads, even its journal mode, and works from a
read-only USB stick. Each session keeps its random id and its secret `cell_key`, so a
merged database publishes the same figures as the terminals' own.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from skillcheck import migrations, schema
from skillcheck.paths import create_private_file
from skillcheck.store import (
    StoreError,
    open_database,
    partial_name,
    put_in_place,
    schema_version,
    sqlite_uri,
    writable_location,
    write_transaction,
)


@dataclass(frozen=True)
class MergeResult:
    """How many sessions one source added (0 when merged before)."""

    source: Path
    sessions_added: int
    sessions_in_source: int


def _check_target_folder(path: Path, what: str) -> None:
    folder = path.absolute().parent
    if not folder.is_dir():
        raise StoreError(f"{path}: the folder {folder} does not exist; {what}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


_SESSION_COLUMNS = ", ".join(schema.COLUMNS["sessions"])


def merge_databases(
    into: Path,
    sources: Sequence[Path],
    progress: Callable[[Path], None] | None = None,
) -> list[MergeResult]:
    """Copy every session of each source into `into`, once, keyed by its random id.

    Every source is checked (readable, a skillcheck database, not newer, not the
    target) before anything is written; the error names the bad file. Then one
    transaction per source with INSERT … ON CONFLICT DO NOTHING, so merging the same
    file twice changes nothing. The network's settings (threshold, grace days) keep
    the highest of target and sources; release logs are never copied. A source of an
    older schema is read as it is (its sessions lose their duration; those of
    versions 1-4 get region "unknown",
    scoring version 1 and a fresh cell key); the target is created when missing, in
    an existing folder only.
    """
    into = Path(into)
    sources = [Path(source) for source in sources]
    versions = []
    for source in sources:
        if _same_file(source, into):
            raise StoreError(f"{source}: is the merge target itself")
        probe = open_database(source, read_only=True, require_current=False)
        try:
            versions.append(schema_version(probe))
        finally:
            probe.close()
    _check_target_folder(into, "create it first, or choose another --into")
    target = open_database(into)
    conn = target.conn
    migrations.add_cell_key_function(conn)
    results = []
    try:
        for source, version in zip(sources, versions, strict=True):
            if progress:
                progress(source)
            conn.execute(
                "ATTACH DATABASE ? AS source",
                [sqlite_uri(source, "ro", immutable=not writable_location(source))],
            )
            try:
                with write_transaction(conn):
                    if version == schema.SCHEMA_VERSION:
                        select = f"SELECT {_SESSION_COLUMNS} FROM source.sessions ORDER BY id"
                    else:
                        select = migrations.old_sessions_select("source.sessions", version=version)
                    added = conn.execute(
                        f"INSERT INTO sessions ({_SESSION_COLUMNS}) {select} "
                        "ON CONFLICT (id) DO NOTHING"
                    ).rowcount
                    for table in ("area_results", "answers"):
                        columns = ", ".join(schema.COLUMNS[table])
                        conn.execute(
                            f"INSERT INTO {table} ({columns}) SELECT {columns} "
                            f"FROM source.{table} ORDER BY 1, 2 ON CONFLICT DO NOTHING"
                        )
                    if version == schema.SCHEMA_VERSION:
                        # The network's settings: the highest of each wins. The release
                        # log is never copied: the target publishes its own (issue 21).
                        conn.execute(
                            "INSERT INTO network_settings (name, value) "
                            "SELECT name, value FROM source.network_settings WHERE true "
                            "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)"
                        )
                    total = conn.execute("SELECT count(*) FROM source.sessions").fetchone()[0]
            finally:
                conn.execute("DETACH DATABASE source")
            results.append(MergeResult(source, added, total))
    finally:
        target.close()
    return results


# Pages copied per step of a backup (4 MiB of 4 KiB pages): about 400 progress calls
# for a million sessions, each a moment the kiosk could take a write lock in between.
BACKUP_STEP_PAGES = 1024


def backup_database(
    source: Path,
    destination: Path,
    progress: Callable[[int, int], None] | None = None,
    *,
    step_pages: int = BACKUP_STEP_PAGES,
) -> int:
    """A consistent copy of a live database (SQLite's backup API); returns its session count.

    `progress(copied_pages, total_pages)` is called after each step of `step_pages`.
    Safe while the kiosk writes: the source is opened read-only and one read
    transaction is held for the whole copy, so the copy is the database as it was when
    it started (a session saved meanwhile is in the next backup) and the copy never
    restarts. It is page for page the source's file (in rollback-journal mode: one
    file), so it holds nothing the source does not (deleted rows were overwritten by
    `secure_delete`). Refuses to overwrite
    an existing file or to create a folder; a copy that fails is removed.

    The copy is written under a temporary name beside the destination, checked,
    synced, and only then renamed to it: a power cut in the middle leaves a
    `.<name>.partial` file, never a broken file under the name asked for.
    """
    destination = Path(destination)
    if destination.exists():
        raise StoreError(f"{destination}: already exists; choose a new file name")
    _check_target_folder(destination, "create it first, or choose another --to")
    final, destination = destination, partial_name(destination)
    db = open_database(source, read_only=True, require_current=False)
    try:
        conn = db.conn
        create_private_file(destination)  # staff data: 0600 before SQLite writes to it
        copy = sqlite3.connect(destination)
        try:
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()  # the snapshot
            conn.backup(
                copy,
                pages=step_pages,
                progress=(lambda _, left, total: progress(total - left, total))
                if progress
                else None,
            )
            conn.execute("COMMIT")
            # One self-contained file (no -wal, -shm beside it); the kiosk turns WAL
            # back on when it opens a restored copy.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
    except BaseException:
        destination.unlink(missing_ok=True)
        destination.with_name(destination.name + "-journal").unlink(missing_ok=True)
        raise
    finally:
        db.close()
    try:
        copy = sqlite3.connect(sqlite_uri(destination, "ro"), uri=True)
        try:
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise StoreError(f"{final}: the copy failed its integrity check")
            count = copy.execute("SELECT count(*) FROM sessions").fetchone()[0]
        finally:
            copy.close()
        put_in_place(destination, final)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return count


@dataclass(frozen=True)
class PurgeResult:
    """What `purge` removed."""

    before: str | None
    sessions: int
    area_results: int
    answers: int


@dataclass(frozen=True)
class PurgePlan:
    """What `purge` would delete: the sessions per stored day, oldest first."""

    before: str | None
    days: tuple[tuple[str, int], ...]

    @property
    def sessions(self) -> int:
        """How many sessions in all."""
        return sum(count for _day, count in self.days)


# The sessions a purge takes, in SQL both engines read alike (with _purged_params):
# a day before `before` (none when it is ''), or any day with an implausible clock.
_PURGED = "(day < ? OR (? = 1 AND clock = 'implausible'))"


def _purged_params(before: str | None, implausible: bool) -> list[object]:
    return [before or "", int(implausible)]


def purge_plan(database: Path | str, before: str | None, *, implausible: bool = False) -> PurgePlan:
    """The sessions `purge_sessions` would delete, per day, read only (what the
    facilitator confirms): those of a day before `before`, and with `implausible`
    those made while the kiosk's clock was implausible. `database` is an SQLite file
    or the central database's URL (the owner's login, refused in one line for any
    other before a question is asked)."""
    from skillcheck.central import CentralWriter, is_central

    db = (
        CentralWriter(str(database), "purge")
        if is_central(database)
        else open_database(Path(database), read_only=True)
    )
    try:
        rows = db.execute(
            f"SELECT day, count(*) FROM sessions WHERE {_PURGED} GROUP BY day ORDER BY day",
            _purged_params(before, implausible),
        ).fetchall()
    finally:
        db.close()  # the central one rolls its read-only work back
    return PurgePlan(before, tuple((str(day), int(count)) for day, count in rows))


def purge_sessions(
    database: Path | str, before: str | None, *, implausible: bool = False
) -> PurgeResult:
    """Delete every session of a day before `before` (YYYY-MM-DD), and with
    `implausible` every session made while the kiosk's clock was implausible (whatever
    its day: a 2099 session is never "old"), in one transaction.

    Answers and levels go first, then the sessions (the order the foreign keys and
    the daily tables' triggers need), so the daily tables stay equal to the rest.
    `database` is an SQLite file (deleted pages overwritten by secure_delete, the WAL
    truncated after) or the central database's URL (the owner's login, refused in one
    line for any other; the same statements, in one REPEATABLE READ transaction).
    """
    from skillcheck.central import CentralWriter, is_central

    if is_central(database):
        writer = CentralWriter(str(database), "purge")
        try:
            with writer.transaction():
                counts = _delete_purged(writer, before, implausible)
        finally:
            writer.close()
        return PurgeResult(before, *counts)
    db = open_database(Path(database), create=False)
    conn = db.conn
    try:
        conn.execute("PRAGMA secure_delete = ON")
        with write_transaction(conn):
            # Schema 7: a purged session no longer waits to be sent either (the
            # outbox is a terminal's own table; the central database has none).
            conn.execute(
                f"DELETE FROM outbox WHERE session_id IN (SELECT id FROM sessions WHERE {_PURGED})",
                _purged_params(before, implausible),
            )
            counts = _delete_purged(conn, before, implausible)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass  # a reader holds the WAL: the next checkpoint overwrites it
    finally:
        db.close()
    return PurgeResult(before, *counts)


def _delete_purged(conn, before: str | None, implausible: bool) -> tuple[int, int, int]:
    """Delete the purged sessions, children first, on either engine (a connection or a
    CentralWriter, SQLite's placeholders); (sessions, area results, answers)."""
    params = _purged_params(before, implausible)
    old = f"SELECT id FROM sessions WHERE {_PURGED}"
    answers = conn.execute(f"DELETE FROM answers WHERE session_id IN ({old})", params).rowcount
    levels = conn.execute(f"DELETE FROM area_results WHERE session_id IN ({old})", params).rowcount
    sessions = conn.execute(f"DELETE FROM sessions WHERE {_PURGED}", params).rowcount
    return sessions, levels, answers
