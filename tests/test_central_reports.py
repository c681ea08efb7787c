"""The facilitator commands on the central database give what they give on SQLite.

The same sessions in an SQLite file and, through `merge --into postgresql://…`, in
the central database: the same stats and item statistics; purge does the same on both.
Published figures (`publish`, `export`, `report`) are read from an SQLite file's
release log only for now: on a central database's URL they refuse in one line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from sample_records import varied
from skillcheck import central
from skillcheck.cli import cli
from skillcheck.store import open_database, save_sessions

SITES = ("Gent", "Brugge", "Élouges", "Zaventem")
DAYS = [f"2026-{m:02d}-{d:02d}" for m in (1, 2, 3) for d in (3, 9, 14, 20, 27)]


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def fill_both(central_db: str, tmp_path: Path, bank):
    """An SQLite file of 600 sessions, and the same sessions in a central database."""
    import random

    draw = random.Random(5)
    central.init_central(central_db)
    path = tmp_path / "network.db"
    db = open_database(path)
    records = [
        varied(
            i,
            day=DAYS[i % len(DAYS)],
            site=SITES[i % 4],
            terminal=f"t{i % 3}",
            region=("flanders", "wallonia", "brussels")[i % 3],
            bank_version=bank.version,
        )
        for i in range(600)
    ]
    # Answers to the shipped bank's items, so `items` has figures to show.
    records = [
        replace(r, answers={i.id: draw.choice(i.answers).code for i in bank.items})
        if r.status == "completed"
        else r
        for r in records
    ]
    save_sessions(db, records)
    db.close()
    result = invoke("merge", "--into", central_db, str(path))
    assert result.exit_code == 0, result.output
    assert "600 of 600 sessions added" in result.output
    return path, central_db


@pytest.fixture(scope="module")
def both(postgres_cluster, tmp_path_factory):
    """fill_both once for the tests that only read (a fresh database in the cluster)."""
    import uuid

    from skillcheck.bank import load_bank
    from skillcheck.paths import QUESTIONS_DIR

    name = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(postgres_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    folder = tmp_path_factory.mktemp("both")
    return fill_both(postgres_cluster.url(name), folder, load_bank(QUESTIONS_DIR))


@pytest.fixture
def both_to_change(central_db: str, tmp_path: Path, bank):
    """fill_both for a test that changes the databases."""
    return fill_both(central_db, tmp_path, bank)


@pytest.mark.parametrize(
    "command",
    [
        ["publish"],
        ["export", "--format", "csv"],
        ["report", "-o", "report.pdf"],
    ],
    ids=lambda c: c[0],
)
def test_published_figures_on_a_central_database_are_refused_in_one_line(
    both, command, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, url = both
    result = invoke(*command, "--db", url)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"skillcheck: {command[0]} on a central database (postgresql://) is not supported "
        "yet: publish, export and report read an SQLite file's released figures "
        "(docs/network.md); nothing was written"
    ]
    assert list(tmp_path.iterdir()) == []
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM releases").fetchone()[0] == 0


def test_stats_and_items_say_the_same(both) -> None:
    path, url = both
    for command in (["stats"], ["stats", "--site", "Brugge"], ["items"]):
        local = invoke(*command, "--db", str(path))
        remote = invoke(*command, "--db", url)
        assert local.exit_code == remote.exit_code == 0, remote.output
        # The header names the database (and may wrap); every figure after it is the
        # same.
        anchor = "\nSessions " if command[0] == "stats" else "Bank "
        local_figures = local.output[local.output.index(anchor) :]
        assert local_figures == remote.output[remote.output.index(anchor) :]
        assert len(local_figures.splitlines()) > 10


def test_merge_twice_adds_nothing_and_purge_does_the_same_on_both(both_to_change) -> None:
    path, url = both_to_change
    again = invoke("merge", "--into", url, str(path))
    assert "0 of 600 sessions added" in again.output
    for source in (str(path), url):
        result = invoke("purge", "--db", source, "--before", "2026-02-14", "--yes")
        assert result.exit_code == 0, result.output
        # 7 of the 15 days: 280 sessions; 40 of the abandoned ones had no levels
        last = result.output.strip().splitlines()[-1]
        assert last.startswith("280 sessions before 2026-02-14 removed")
    local = invoke("stats", "--db", str(path))
    remote = invoke("stats", "--db", url)
    anchor = "\nSessions "
    assert (
        local.output[local.output.index(anchor) :] == remote.output[remote.output.index(anchor) :]
    )
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT min(day) FROM daily_levels").fetchone()[0] == "2026-02-14"


def test_purge_on_a_central_database_takes_before_only(both) -> None:
    _, url = both
    for extra in (["--implausible"], ["--before", "2026-02-14", "--dry-run"]):
        result = invoke("purge", "--db", url, *extra, "--yes")
        assert result.exit_code == 2
        assert "takes --before only" in result.output
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 600


def test_backup_and_upgrade_of_a_central_database_say_what_to_use(both) -> None:
    _, url = both
    result = invoke("backup", "--db", url, "--to", "copy.db")
    assert result.exit_code == 2 and "pg_dump" in result.output
    result = invoke("upgrade", "--db", url)
    assert result.exit_code == 2


def test_a_server_that_is_down_is_one_line_exit_1(both) -> None:
    _, url = both
    down = url.replace("port=", "port=1")
    result = invoke("stats", "--db", down)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("skillcheck: central database:")


def test_a_database_that_is_not_skillchecks_is_refused(postgres_cluster) -> None:
    result = invoke("stats", "--db", postgres_cluster.url("postgres"))
    assert result.exit_code == 2
    assert "not a skillcheck central database" in result.output
