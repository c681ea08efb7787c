"""Copy a terminal's sessions to the central database (docs/network.md).

The terminal's own SQLite file is the outbox: every saved session gets a row in
`outbox` in the same transaction (schema 7). A push

1. reads a batch of waiting sessions (with their levels and answers, and the
   `cell_key` drawn at save time, so both databases publish the same noise);
2. inserts them into the central database in one transaction, each row with
   `ON CONFLICT DO NOTHING`: a session sent before (a commit whose answer was lost,
   a kill between the two steps) is not stored twice;
3. only after that commit removes them from the outbox.

A batch the server refuses for a reason in the data (a constraint, a bad value: SQL
states 22 and 23) is sent again one session at a time, and a session the server
refuses on its own is set aside: its outbox row keeps the reason and it is never
sent again, so it never blocks the others. Anything else (no network, the server
down or restarting, a login not allowed yet) stops the push; it is tried again later,
with a growing wait (`Pusher`).

psycopg is imported only when a push runs (central.py).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from skillcheck import central, schema
from skillcheck.store import StoreError, open_database, write_transaction

log = logging.getLogger(__name__)

BATCH = 200  # sessions per central transaction
TABLES = ("sessions", "area_results", "answers")


_insert = central.insert_sql  # one INSERT … ON CONFLICT DO NOTHING per table


@dataclass(frozen=True)
class OutboxStatus:
    """What the staff screen says: sessions waiting, since which day, set aside."""

    waiting: int
    oldest_day: str | None
    set_aside: int


def outbox_status(db) -> OutboxStatus:
    """The outbox of an open terminal database (sqlite_utils.Database or connection)."""
    waiting, oldest = db.execute(
        "SELECT count(*), min(s.day) FROM outbox o JOIN sessions s ON s.id = o.session_id "
        "WHERE o.refused IS NULL"
    ).fetchone()
    (aside,) = db.execute("SELECT count(*) FROM outbox WHERE refused IS NOT NULL").fetchone()
    return OutboxStatus(waiting, oldest, aside)


def read_outbox_status(database: Path) -> OutboxStatus:
    """outbox_status of a database file, opened read-only."""
    db = open_database(database, read_only=True)
    try:
        return outbox_status(db)
    finally:
        db.close()


@dataclass(frozen=True)
class PushResult:
    """What one push did, and what still waits."""

    sent: int
    set_aside: int
    status: OutboxStatus
    error: str | None = None  # why the push stopped early (tried again later)


@dataclass(frozen=True)
class _Batch:
    ids: list[str]
    rows: dict[str, dict[str, list[tuple]]]  # session id -> table -> rows


def _read_batch(db, size: int) -> _Batch:
    columns = ", ".join(f"s.{c}" for c in schema.COLUMNS["sessions"])
    sessions = db.execute(
        f"SELECT {columns} FROM outbox o JOIN sessions s ON s.id = o.session_id "
        "WHERE o.refused IS NULL ORDER BY s.day, s.id LIMIT ?",
        [size],
    ).fetchall()
    ids = [row[0] for row in sessions]
    rows: dict[str, dict[str, list[tuple]]] = {
        row[0]: {"sessions": [tuple(row)], "area_results": [], "answers": []} for row in sessions
    }
    if ids:
        marks = ", ".join("?" * len(ids))
        for table in ("area_results", "answers"):
            cols = ", ".join(schema.COLUMNS[table])
            for row in db.execute(
                f"SELECT {cols} FROM {table} WHERE session_id IN ({marks}) ORDER BY 1, 2", ids
            ):
                rows[row[0]][table].append(tuple(row))
    return _Batch(ids, rows)


def _send(conn, batch: _Batch, ids: list[str]) -> None:
    """One central transaction for the sessions `ids` (raises on any refusal)."""
    with conn.transaction():
        with conn.cursor() as cursor:
            for table in TABLES:
                rows = [row for i in ids for row in batch.rows[i][table]]
                if rows:
                    cursor.executemany(_insert(table), rows)


def _refused_for_good(error: Exception) -> bool:
    """A refusal in the data itself (SQL states 22: data, 23: constraint), not a fault."""
    state = getattr(error, "sqlstate", None) or ""
    return state.startswith(("22", "23"))


def push(
    database: Path,
    url: str,
    *,
    batch: int = BATCH,
    busy_timeout: float = 5.0,
    stop: Callable[[], bool] = lambda: False,
) -> PushResult:
    """Send every waiting session of `database` to the central database at `url`.

    Never raises for a central database that is down or refuses: the result says why
    it stopped (`error`). Raises StoreError when the terminal's database is unusable.
    """
    psycopg = central.psycopg_module()  # CentralError when it is not installed

    sent = aside = 0
    error: str | None = None
    db = open_database(database, create=False, busy_timeout=busy_timeout)
    try:
        with write_transaction(db):
            # A session deleted since it was saved (purge) has nothing left to send.
            db.execute(
                "DELETE FROM outbox WHERE refused IS NULL AND session_id NOT IN "
                "(SELECT id FROM sessions)"
            )
        try:
            conn = central.connect(url)
        except psycopg.Error as failure:
            conn, error = None, _reason(failure)
        try:
            while conn is not None and not stop():
                work = _read_batch(db, batch)
                if not work.ids:
                    break
                refused: dict[str, str] = {}
                try:
                    _send(conn, work, work.ids)
                    done = work.ids
                except psycopg.Error as failure:
                    if not _refused_for_good(failure):
                        error = _reason(failure)
                        break
                    done = []
                    for one in work.ids:  # find the ones the server refuses
                        try:
                            _send(conn, work, [one])
                            done.append(one)
                        except psycopg.Error as single:
                            if not _refused_for_good(single):
                                error = _reason(single)
                                break
                            refused[one] = _reason(single)
                            log.warning("session %s refused by the central database, set "
                                        "aside: %s", one, refused[one])  # fmt: skip
                # Only now, the central commit done: the outbox forgets them.
                with write_transaction(db):
                    db.conn.executemany(
                        "DELETE FROM outbox WHERE session_id = ?", [(i,) for i in done]
                    )
                    db.conn.executemany(
                        "UPDATE outbox SET refused = ? WHERE session_id = ?",
                        [(why, i) for i, why in refused.items()],
                    )
                sent += len(done)
                aside += len(refused)
                if error:
                    break
        finally:
            if conn is not None:
                conn.close()
        status = outbox_status(db)
    finally:
        db.close()
    return PushResult(sent, aside, status, error)


def _reason(error: Exception) -> str:
    diag = getattr(error, "diag", None)
    message = (diag.message_primary if diag else None) or str(error)
    return " ".join(message.split())[:300]


# --- in the kiosk: a background thread -------------------------------------------------


@dataclass(frozen=True)
class PushStatus:
    """The last push as the staff screen shows it."""

    status: OutboxStatus | None  # None before the first push has finished
    last_error: str | None
    last_attempt: float | None  # time.time() of the last try


class Pusher:
    """Pushes in its own thread, with its own connections: a visit never waits for it.

    After a save the kiosk calls `nudge()`; while the central database is down the
    waits grow from `first_wait` to `longest_wait` (doubling), and a nudge does not
    cut them short, so a server that is down is not hammered by every visit.
    """

    def __init__(
        self,
        database: Path,
        url: str,
        *,
        first_wait: float = 5.0,
        longest_wait: float = 600.0,
        idle_wait: float = 300.0,
    ) -> None:
        self.database, self.url = Path(database), url
        self.first_wait, self.longest_wait, self.idle_wait = first_wait, longest_wait, idle_wait
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="skillcheck-push", daemon=True)
        self._status = PushStatus(None, None, None)

    def start(self) -> None:
        """Start pushing (a first push at once)."""
        self._thread.start()

    def nudge(self) -> None:
        """A session was saved: push soon (unless waiting out a failure)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current batch (its sessions are either sent or still waiting)."""
        self._stopping.set()
        self._wake.set()
        self._thread.join(timeout)

    def status(self) -> PushStatus:
        """The last push's outbox status and error."""
        return self._status

    def _run(self) -> None:
        wait = self.first_wait
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                result = push(self.database, self.url, stop=self._stopping.is_set)
                self._status = PushStatus(result.status, result.error, time.time())
                failed = result.error is not None
                if failed:
                    log.warning("central database: %s (%d sessions wait)", result.error,
                                result.status.waiting)  # fmt: skip
            except (OSError, sqlite3.Error, StoreError, central.CentralError) as error:
                self._status = PushStatus(self._status.status, str(error), time.time())
                log.warning("push not done: %s", error)
                failed = True
            if failed:
                deadline = time.monotonic() + wait
                wait = min(self.longest_wait, wait * 2)
                while not self._stopping.is_set() and time.monotonic() < deadline:
                    self._stopping.wait(min(1.0, deadline - time.monotonic()))
            else:
                wait = self.first_wait
                self._wake.wait(self.idle_wait)
