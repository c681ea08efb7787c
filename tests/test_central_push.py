"""Terminals push their sessions to the central database: nothing lost, nothing twice.

Every test ends by comparing the terminals' SQLite files with the central tables
(`assert_same_sessions`): each session of each terminal is in the central database
once, with the same levels, answers and cell_key, and nothing else is there.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
from click.testing import CliRunner

from postgres_cluster import Cluster
from sample_records import varied
from skillcheck import schema
from skillcheck.cli import cli
from skillcheck.push import Pusher, push, read_outbox_status
from skillcheck.store import open_database, save_sessions
from test_central import dbname_of

BASE = ("sessions", "area_results", "answers")


def rows_of_sqlite(paths: list[Path]) -> dict[str, list[tuple]]:
    found: dict[str, list[tuple]] = {t: [] for t in BASE}
    for path in paths:
        db = open_database(path, read_only=True)
        try:
            for table in BASE:
                columns = ", ".join(schema.COLUMNS[table])
                found[table] += [tuple(r) for r in db.execute(f"SELECT {columns} FROM {table}")]
        finally:
            db.close()
    return {t: sorted(rows) for t, rows in found.items()}


def rows_of_central(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return {
            t: sorted(
                tuple(r) for r in conn.execute(f"SELECT {', '.join(schema.COLUMNS[t])} FROM {t}")
            )
            for t in BASE
        }


def assert_same_sessions(paths: list[Path], url: str, set_aside: int = 0) -> None:
    """0 lost, 0 duplicates: the terminals' sessions (less those set aside) are the central's."""
    local = rows_of_sqlite(paths)
    remote = rows_of_central(url)
    aside = set()
    for path in paths:
        db = open_database(path, read_only=True)
        aside |= {
            r[0] for r in db.execute("SELECT session_id FROM outbox WHERE refused IS NOT NULL")
        }
        waiting = db.execute("SELECT count(*) FROM outbox WHERE refused IS NULL").fetchone()[0]
        db.close()
        assert waiting == 0, path
    assert len(aside) == set_aside
    for table in BASE:
        expected = [r for r in local[table] if r[0] not in aside]
        assert remote[table] == expected, table
    assert len({r[0] for r in remote["sessions"]}) == len(remote["sessions"])


def test_a_push_sends_every_session_once_with_its_cell_key(network) -> None:
    central_db, terminal = network
    path, url = terminal("t1", sessions=30)
    result = push(path, url, batch=7)
    assert (result.sent, result.set_aside, result.error) == (30, 0, None)
    assert read_outbox_status(path).waiting == 0
    again = push(path, url)
    assert again.sent == 0
    assert_same_sessions([path], central_db)


def test_the_same_session_sent_twice_is_stored_once(network) -> None:
    """A commit whose answer was lost: the outbox still has it; the resend is a no-op."""
    central_db, terminal = network
    path, url = terminal("t1", sessions=5)
    push(path, url)
    db = open_database(path)
    db.execute("INSERT INTO outbox (session_id) SELECT id FROM sessions")
    db.conn.commit()
    db.close()
    assert push(path, url).sent == 5
    with psycopg.connect(central_db) as conn:
        assert conn.execute("SELECT sum(sessions) FROM daily_sessions").fetchone()[0] == 5
    assert_same_sessions([path], central_db)


def test_a_session_the_server_refuses_is_set_aside_and_blocks_nothing(network) -> None:
    """A clock gone wrong: a day after the server's tomorrow is refused for good."""
    central_db, terminal = network
    path, url = terminal("t1", sessions=10)
    db = open_database(path)
    save_sessions(db, [varied(99, day="2099-01-01", site="Gent", terminal="t1")])
    db.close()
    result = push(path, url, batch=4)
    assert (result.sent, result.set_aside, result.error) == (10, 1, None)
    assert result.status.set_aside == 1 and result.status.waiting == 0
    assert push(path, url).set_aside == 0  # never retried
    assert_same_sessions([path], central_db, set_aside=1)


def test_two_terminals_of_the_same_name(network) -> None:
    central_db, terminal = network
    first, url1 = terminal("t1", site="Gent", sessions=8)
    second, url2 = terminal("t1", site="Brugge", sessions=9)
    # and a config copied to a second machine: the same site and terminal, own login
    third, url3 = terminal("t1", site="Gent", sessions=0)
    db = open_database(third)
    save_sessions(db, [varied(10_000 + i, site="Gent", terminal="t1") for i in range(7)])
    db.close()
    for path, url in ((first, url1), (second, url2), (third, url3)):
        assert push(path, url).error is None
    assert_same_sessions([first, second, third], central_db)


def test_a_login_pushing_another_terminals_sessions_waits_and_loses_nothing(network) -> None:
    """A config copied from another terminal: refused (a fault to fix, not bad data),
    so the sessions wait with the reason instead of being set aside."""
    central_db, terminal = network
    path, _ = terminal("t1", sessions=3)
    _, url_other = terminal("t2")
    result = push(path, url_other)
    assert result.sent == 0 and "row-level security" in (result.error or "")
    assert result.status.waiting == 3 and result.status.set_aside == 0


def test_server_stopped_and_restarted_mid_push(postgres_cluster: Cluster, network) -> None:
    central_db, terminal = network
    path, url = terminal("t1", sessions=60)
    pusher = Pusher(path, url, first_wait=0.2, longest_wait=0.5, idle_wait=0.2)
    pusher.start()
    try:
        postgres_cluster.stop("immediate")  # a crash, whatever the pusher was doing
        time.sleep(0.5)
        postgres_cluster.start()
        deadline = time.monotonic() + 60
        while read_outbox_status(path).waiting and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        pusher.stop()
    assert_same_sessions([path], central_db)


class CuttingProxy:
    """A TCP proxy to the server that cuts every connection after `limit` bytes from the
    client (mid-transaction, often mid-COMMIT), for its first `cuts` connections."""

    def __init__(self, port: int, cuts: int, seed: int) -> None:
        self.target = port
        self.cuts = cuts
        self.random = random.Random(seed)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            limit = self.random.randrange(200, 6000) if self.cuts > 0 else None
            self.cuts -= 1
            pair = (client, server)
            threading.Thread(
                target=self._pipe, args=(client, server, limit, pair), daemon=True
            ).start()
            threading.Thread(
                target=self._pipe, args=(server, client, None, pair), daemon=True
            ).start()

    @staticmethod
    def _pipe(source, sink, limit, pair) -> None:
        passed = 0
        try:
            while data := source.recv(4096):
                if limit is not None and passed + len(data) > limit:
                    raise OSError("cut")
                passed += len(data)
                sink.sendall(data)
        except OSError:
            pass
        for end in pair:
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()


def test_connections_cut_mid_transaction(postgres_cluster: Cluster, network) -> None:
    central_db, terminal = network
    proxy = CuttingProxy(postgres_cluster.port, cuts=6, seed=3)
    try:
        path, url = terminal("t1", sessions=50, port=proxy.port)
        errors = 0
        for _ in range(30):
            result = push(path, url, batch=5)
            errors += result.error is not None
            if not result.status.waiting and result.error is None:
                break
    finally:
        proxy.close()
    assert errors >= 1  # the cuts happened
    assert_same_sessions([path], central_db)


PUSH_FOREVER = """
import sys
from pathlib import Path
from skillcheck.push import push
while push(Path(sys.argv[1]), sys.argv[2], batch=3).status.waiting:
    pass
"""


def test_kill_9_of_a_pushing_process_at_random_points(network) -> None:
    central_db, terminal = network
    path, url = terminal("t1", sessions=60)
    draw = random.Random(7)
    for _ in range(6):
        process = subprocess.Popen([sys.executable, "-c", PUSH_FOREVER, str(path), url])
        time.sleep(draw.uniform(0.3, 1.2))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    while push(path, url).status.waiting:
        pass
    assert_same_sessions([path], central_db)


def write_config(tmp_path: Path, database: Path, url: str) -> Path:
    config = tmp_path / "site.toml"
    config.write_text(
        f'site = "Gent"\nterminal = "t1"\ndatabase = "{database}"\ncentral = "{url}"\n'
    )
    return config


def test_push_by_hand_and_central_set_up_commands(postgres_cluster, central_db, tmp_path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["central", "init", central_db])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        cli, ["central", "add-terminal", central_db, "--site", "Gent", "--terminal", "t1"]
    )
    assert result.exit_code == 0, result.output
    pgpass_line = result.output.strip().splitlines()[-1]
    login, password = pgpass_line.split(":")[3:5]
    dbname = dbname_of(central_db)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"*:*:*:{login}:{password}\n")
    passfile.chmod(0o600)
    url = f"{postgres_cluster.tcp_url(dbname, login)}?passfile={passfile}"
    database = tmp_path / "t1.db"
    db = open_database(database)
    save_sessions(db, [varied(i, site="Gent", terminal="t1") for i in range(4)])
    db.close()
    config = write_config(tmp_path, database, url)
    result = runner.invoke(cli, ["push", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "4 sessions sent" in result.output
    assert_same_sessions([database], central_db)
    # the server gone: one line, exit 1, the sessions wait
    db = open_database(database)
    save_sessions(db, [varied(10, site="Gent", terminal="t1")])
    db.close()
    down = write_config(tmp_path, database, url.replace(str(postgres_cluster.port), "1"))
    result = runner.invoke(cli, ["push", "--config", str(down)])
    assert result.exit_code == 1
    assert "Waiting: 1 " in result.output


def test_check_config_refuses_a_password_in_the_central_url(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('central = "postgresql://t1:secret@db.example.org/skillcheck"\n')
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code != 0
    assert "password" in result.output and "secret" not in result.output
