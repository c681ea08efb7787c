"""The facilitator commands end to end through click: output, files, exit codes."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from skillcheck import migrations
from skillcheck.cli import cli
from skillcheck.store import SCHEMA_VERSION, SessionRecord, open_database, save_session


def make_db(path, n=30, site="Gent", terminal="t1", released=True):
    """Sessions of March 2025, released by `publish` (that month has long closed)."""
    # Seeded cell keys: with ~1 visit a day, the random keys alone decide whether a
    # month's published count is 0 (one run in four had no March row at all).
    keys = random.Random(f"{site}-{terminal}-{n}")
    db = open_database(path)
    with mock.patch.object(migrations, "new_cell_key", lambda: keys.randrange(2**32)):
        fill(db, n, site, terminal)
    db.close()
    if released:
        result = CliRunner().invoke(cli, ["publish", "--db", str(path)])
        assert result.exit_code == 0, result.output
    return path


def fill(db, n, site, terminal):
    for i in range(n):
        save_session(
            db,
            SessionRecord(
                id=uuid.uuid4().hex,
                day=f"2025-03-{1 + i % 28:02d}",
                site=site,
                terminal=terminal,
                region="flanders",
                language="nl" if i % 3 else "fr",
                status="abandoned" if i % 10 == 0 else "completed",
                items_answered=20,
                category="basic" if i % 10 else None,
                bank_version="1",
                scoring_version=1,
                levels={a: "basic" for a in range(1, 6)} if i % 10 else {},
                answers={"x": "1"},
            ),
        )


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path / "k.db")


def test_stats(runner, db):
    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    # The first line says whose figures these are, before any number.
    first = result.output.splitlines()[0]
    assert first.startswith("True counts, for this site's staff and coordinator only")
    assert "Sessions 30 · completed 27 (90.0%)" in result.output
    assert "Level per area" in result.output and "By site" in result.output
    assert "By region" in result.output
    assert "At least basic skills: 100.0%" in result.output  # true counts, for staff
    assert "Digital Skills Indicator" in result.output and "80%" in result.output
    result = runner.invoke(cli, ["stats", "--db", str(db), "--since", "2025-04-01"])
    assert result.exit_code == 0 and "Sessions 0" in result.output


def test_stats_carries_the_dsi_caveat(runner, db):
    from skillcheck.digcomp import DSI_CAVEAT

    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert " ".join(DSI_CAVEAT.split()) in " ".join(result.output.split())


def test_publish_then_export_csv_json_excel(runner, tmp_path):
    db = make_db(tmp_path / "k.db", 300, released=False)
    # Before any publish: the export prints no figure, and says why.
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0 and "Nothing is published for these dates yet" in result.output
    assert len(result.output.splitlines()[1]) == 0  # the header, then the notes
    result = runner.invoke(cli, ["publish", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "threshold 10, periods close 14 days after their end" in result.output
    assert "Release 1: 3 periods (2025-03, 2025-Q1, 2025)" in result.output
    result = runner.invoke(cli, ["publish", "--db", str(db)])
    assert "Nothing to release" in result.output
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--by", "month"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("period,scoring version,visits,completed,abandoned")
    assert lines[1].startswith("2025-03,1,")
    out = tmp_path / "e.csv"
    args = ["export", "--db", str(db), "--format", "csv", "--excel", "-o", str(out)]
    assert runner.invoke(cli, args + ["--group", "language", "--lang", "nl"]).exit_code == 0
    assert out.read_bytes().startswith("\ufeffperiode;versie van de berekening;taal".encode())
    assert out.stat().st_mode & 0o777 == 0o600
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "json", "--group", "area"])
    doc = json.loads(result.output)
    assert doc["key_columns"] == ["period", "scoring", "area"] and len(doc["rows"]) == 5
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{db}"\ndefault_language = "fr"\n', encoding="utf-8")
    result = runner.invoke(cli, ["export", "--config", str(config), "--format", "csv"])
    assert result.output.startswith("période,version du calcul,visites")
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--site", "Gnet"])
    assert result.exit_code == 2 and "known sites: Gent" in result.output
    result = runner.invoke(cli, ["publish", "--db", str(db), "--min-count", "8"])
    assert result.exit_code == 2 and "can only be raised" in result.output


def test_report_pdf_in_three_languages(runner, tmp_path):
    import shutil
    import subprocess

    db = make_db(tmp_path / "k.db", 400)
    titles = {
        "en": "Digital skills self-assessment",
        "nl": "Zelftest digitale vaardigheden",
        "fr": "Autoévaluation des compétences numériques",
    }
    for lang, title in titles.items():
        pdf = tmp_path / f"report-{lang}.pdf"
        args = ["report", "--db", str(db), "--lang", lang, "-o", str(pdf)]
        args += ["--period", "2025-03"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert result.output == f"Report written to {pdf}\n"  # no progress bar when piped
        assert pdf.read_bytes().startswith(b"%PDF")
        assert shutil.which("pdftoppm"), "poppler-utils (see .ci/run)"
        subprocess.run(
            ["pdftoppm", "-r", "40", "-png", "-singlefile", str(pdf), str(tmp_path / lang)],
            check=True,
        )
        png = (tmp_path / f"{lang}.png").read_bytes()
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert abs(height / width - 297 / 210) < 0.01  # one A4 portrait page
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert text.count("\f") == 1  # one page
        assert title in text and "Eurostat" in text and "2030" in text
        assert "isoc_sk_dskl_i21" in text
    # The output goes through write_output: never onto a database.
    result = runner.invoke(cli, ["report", "--db", str(db), "-o", str(db)])
    assert result.exit_code == 2 and "database being read" in result.output


def test_merge_and_backup(runner, tmp_path):
    a = make_db(tmp_path / "a.db", 5, terminal="a")
    b = make_db(tmp_path / "b.db", 7, terminal="b")
    into = tmp_path / "all.db"
    result = runner.invoke(cli, ["merge", "--into", str(into), str(a), str(b)])
    assert result.exit_code == 0 and "7 of 7 sessions added" in result.output
    result = runner.invoke(cli, ["merge", "--into", str(into), str(a), str(b)])
    assert "0 of 5 sessions added" in result.output
    copy = tmp_path / "backup" / "copy.db"
    result = runner.invoke(cli, ["backup", "--db", str(into), "--to", str(copy)])
    assert result.exit_code == 2 and "does not exist" in result.output  # no folder made
    assert not copy.parent.exists()
    copy.parent.mkdir()
    result = runner.invoke(cli, ["backup", "--db", str(into), "--to", str(copy)])
    assert result.exit_code == 0
    assert result.output == f"12 sessions backed up to {copy}\n"  # no progress when piped


def test_config_names_the_database(runner, db, tmp_path):
    config = tmp_path / "site.toml"
    config.write_text(f'site = "Gent"\ndatabase = "{db}"\n', encoding="utf-8")
    result = runner.invoke(cli, ["stats", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "Sessions 30" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["stats", "--db", "{missing}"], "no such database file"),
        (["stats", "--db", "{junk}"], "not an SQLite database"),
        (["stats", "--db", "{db}", "--since", "2025-03-10", "--until", "2025-03-01"], "after"),
        (["stats", "--db", "{db}", "--since", "2025-02-30"], "not a date"),
        (["export", "--db", "{db}", "--format", "csv", "--min-count", "4"], "only be raised"),
        (["publish", "--db", "{db}", "--min-count", "4"], "at least 5"),
        (["report", "--db", "{db}", "--period", "2025-13", "-o", "r.pdf"], "not a period"),
        (["export", "--db", "{db}", "--format", "csv", "--by", "day"], "--by"),
        (["items", "--db", "{db}", "--until", "2099-01-01"], "closed periods only"),
        (["export", "--db", "{db}", "--format", "csv", "--group", "name"], "unknown group"),
        (["export", "--db", "{db}", "--format", "json", "--excel"], "--excel"),
        (["merge", "--into", "{tmp}/all.db", "{newer}"], "newer than this skillcheck"),
        (["merge", "--into", "{tmp}/all.db", "{missing}"], "no such database file"),
        (["backup", "--db", "{db}", "--to", "{db}"], "already exists"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner, db, tmp_path, args, message):
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite " * 100)
    newer = make_db(tmp_path / "newer.db", 1)
    conn = open_database(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    names = dict(db=db, junk=junk, newer=newer, missing=tmp_path / "nope.db", tmp=tmp_path)
    result = runner.invoke(cli, [a.format(**names) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_an_older_database_is_read_only_until_upgraded(runner, tmp_path):
    """Facilitator commands never change a database: a v4 file is refused with the
    command that upgrades it, unchanged; `upgrade` writes a backup and migrates."""
    import hashlib
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from old_schemas import old_database

    db = tmp_path / "k.db"
    sessions = [
        dict(id=uuid.uuid4().hex, day="2025-03-14", site="Gent", terminal="t1", language="nl",
             status="completed", items_answered=20, duration_minutes=m, category="basic",
             bank_version="1", levels={a: "basic" for a in range(1, 6)})
        for m in (1, 7, 13)
    ]  # fmt: skip
    old_database(db, 4, sessions)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 2 and "skillcheck upgrade --db" in result.output
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    result = runner.invoke(cli, ["upgrade", "--db", str(db), "--region", "flanders"])
    assert result.exit_code == 0, result.output
    assert "from schema version 4 to" in result.output
    assert (tmp_path / "k.v4-backup.db").is_file()
    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0 and "Sessions 3 · completed 3" in result.output
    conn = open_database(db, read_only=True)
    assert conn.execute("SELECT DISTINCT region FROM sessions").fetchall() == [("flanders",)]
    conn.close()
    result = runner.invoke(cli, ["upgrade", "--db", str(db)])
    assert result.exit_code == 0 and f"already at schema version {SCHEMA_VERSION}" in result.output


def test_a_version_5_database_keeps_its_regions_when_upgraded(runner, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from old_schemas import old_database

    db = tmp_path / "k.db"
    sessions = [
        dict(id=uuid.uuid4().hex, day="2025-03-14", site="Gent", terminal="t1", region=region,
             language="nl", status="abandoned", items_answered=3, duration_band="over_10",
             category=None, bank_version="1", scoring_version=1, cell_key=7)
        for region in ("flanders", "brussels")
    ]  # fmt: skip
    old_database(db, 5, sessions)
    result = runner.invoke(cli, ["upgrade", "--db", str(db), "--region", "wallonia"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{db}: upgraded from schema version 5 to {SCHEMA_VERSION}; the old file is kept "
        "beside it\n"
    )
    conn = open_database(db, read_only=True)
    assert sorted(conn.execute("SELECT region, cell_key FROM sessions").fetchall()) == [
        ("brussels", 7), ("flanders", 7),
    ]  # fmt: skip
    conn.close()


def test_stats_heading_names_the_period_asked_for(tmp_path):
    from click.testing import CliRunner

    from skillcheck.cli import cli
    from skillcheck.store import SessionRecord, Store

    db = tmp_path / "s.db"
    store = Store(db)
    for day in ("2026-03-02", "2026-03-20"):
        store.save(
            SessionRecord(
                id=uuid.uuid4().hex,
                day=day,
                site="Bib",
                terminal="t1",
                language="nl",
                region="unknown",
                status="abandoned",
                items_answered=3,
                scoring_version=1,
                category=None,
                bank_version="test",
            )
        )
    result = CliRunner().invoke(
        cli, ["stats", "--db", str(db), "--since", "2026-03-01", "--until", "2026-03-31"]
    )
    assert result.exit_code == 0, result.output
    # the heading may wrap (a long temporary path): compare the words
    assert "2026-03-01 … 2026-03-31" in " ".join(result.output.split())
    result = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert "2026-03-02 … 2026-03-20" in " ".join(result.output.split())


def _sha256(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_onto_its_own_database_is_refused(runner, db, fmt):
    """Finding 1 of the reliability review: `-o self.db` used to replace the database."""
    before = _sha256(db)
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", fmt, "-o", str(db)])
    assert result.exit_code == 2, result.output
    assert "database being read" in result.output
    assert _sha256(db) == before
    # ... and the database still opens with every session.
    assert runner.invoke(cli, ["stats", "--db", str(db)]).output.count("Sessions 30") == 1


def test_export_onto_another_sqlite_file_or_wal_is_refused(runner, db, tmp_path):
    other = make_db(tmp_path / "other.db", n=3)
    before = _sha256(other)
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "-o", str(other)])
    assert result.exit_code == 2 and "SQLite database" in result.output
    assert _sha256(other) == before
    wal = db.with_name(db.name + "-wal")
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "-o", str(wal)])
    assert result.exit_code == 2, result.output


def test_export_to_missing_folder_is_one_clear_line(runner, db, tmp_path):
    target = tmp_path / "nodir" / "sub" / "out.csv"
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "-o", str(target)])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Errno" not in result.output
    assert not target.parent.exists()


def test_export_replaces_an_earlier_export_whole(runner, db, tmp_path):
    """An earlier export (it starts with skillcheck's header) is replaced whole; any
    other existing file is refused (tests/reliability/test_outputs.py)."""
    target = tmp_path / "figures.csv"
    args = ["export", "--db", str(db), "--format", "csv", "-o", str(target)]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    with open(target, "a", encoding="utf-8") as earlier:
        earlier.write("old figures\n")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "old figures" not in target.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_stats_says_how_many_sessions_wait_in_the_spool(runner, db, tmp_path):
    import sqlite3

    from skillcheck.spool import Spool
    from skillcheck.store import Store

    kiosk = Store(db, spool_folders=[tmp_path / "spool"])
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    kiosk.busy_timeout = 0.05
    record = make_record_like(site="Gent")
    assert kiosk.save(record) is False
    holder.execute("ROLLBACK")
    holder.close()
    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0
    assert "Sessions waiting in the spool: 1 · last error: database is locked" in result.output
    assert Spool(db).status_path == kiosk.spool.status_path


def make_record_like(**changes):
    return SessionRecord(
        **{
            "id": uuid.uuid4().hex, "day": "2025-03-02", "site": "Gent", "terminal": "t1",
            "region": "flanders", "language": "nl", "status": "abandoned",
            "items_answered": 3, "category": None,
            "bank_version": "1", "scoring_version": 1, **changes,
        }
    )  # fmt: skip


@pytest.mark.parametrize(
    "command, label",
    [
        (["report", "-o", "r.pdf"], b"Building the report"),
        (["backup", "--to", "b.db"], b"Backing up"),
    ],
)
def test_long_commands_show_progress_on_a_terminal(tmp_path, command, label):
    import os
    import pty
    import subprocess
    import sys

    db = make_db(tmp_path / "k.db", 60)
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "skillcheck", *command, "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        cwd=tmp_path,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    assert child.wait() == 0
    assert label in seen and b"100%" in seen


# --- purge --before: a future day refused, a plan shown, a question asked ------------


def session_count(path) -> int:
    db = open_database(path, read_only=True)
    try:
        return db.conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
    finally:
        db.close()


def test_purge_refuses_a_day_after_today(runner, db):
    import datetime as dt

    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for before in (tomorrow, "2030-01-01"):
        result = runner.invoke(cli, ["purge", "--db", str(db), "--before", before, "--yes"])
        assert result.exit_code == 2, result.output
        assert f"--before {before} is after today" in result.output
        assert "nothing was deleted" in result.output
    assert session_count(db) == 30


def test_purge_dry_run_names_the_days_and_deletes_nothing(runner, db):
    result = runner.invoke(cli, ["purge", "--db", str(db), "--before", "2025-03-03", "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # make_db: day 1 + i % 28 for 30 sessions, so 2 sessions on the 1st and the 2nd
    assert lines[0].startswith("4 sessions of 2 days before 2025-03-03 will be deleted")
    assert lines[1:3] == ["  2025-03-01: 2", "  2025-03-02: 2"]
    assert lines[-1] == "Nothing was deleted (--dry-run)."
    assert session_count(db) == 30


def test_purge_without_a_terminal_needs_yes(runner, db):
    result = runner.invoke(cli, ["purge", "--db", str(db), "--before", "2025-03-03"])
    assert result.exit_code == 2
    assert "not on a terminal: add --yes" in result.output
    assert session_count(db) == 30
    result = runner.invoke(cli, ["purge", "--db", str(db), "--before", "2025-03-03", "--yes"])
    assert result.exit_code == 0, result.output
    assert "4 sessions before 2025-03-03 removed" in result.output
    assert session_count(db) == 26


def test_purge_with_nothing_to_delete_says_so(runner, db):
    result = runner.invoke(cli, ["purge", "--db", str(db), "--before", "2025-01-01"])
    assert result.exit_code == 0
    assert "No session before 2025-01-01: nothing to delete." in result.output


def test_purge_groups_many_days_by_month(runner, tmp_path):
    db = make_db(tmp_path / "k.db", n=30)
    result = runner.invoke(cli, ["purge", "--db", str(db), "--before", "2025-04-01", "--dry-run"])
    assert "  2025-03-01: 2" in result.output  # 28 days: still one line a day
    from skillcheck.cli.facilitator import _purge_days

    days = tuple((f"2025-{m:02d}-{d:02d}", 1) for m in (1, 2) for d in range(1, 21))
    assert _purge_days(days) == [
        "2025-01: 20 sessions on 20 days",
        "2025-02: 20 sessions on 20 days",
    ]


@pytest.mark.parametrize(("typed", "deleted"), [("yes\n", True), ("no\n", False), ("\n", False)])
def test_purge_on_a_terminal_asks_to_type_yes(tmp_path, typed, deleted):
    """On a real terminal (a pseudo-terminal as stdin) only "yes" deletes."""
    import os
    import subprocess
    import sys

    db = make_db(tmp_path / "k.db")
    main, replica = os.openpty()
    try:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "skillcheck",
                "purge",
                "--db",
                str(db),
                "--before",
                "2025-03-03",
            ],
            stdin=replica,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        os.write(main, typed.encode())
        output, _ = process.communicate(timeout=60)
    finally:
        os.close(main)
        os.close(replica)
    assert "4 sessions of 2 days before 2025-03-03 will be deleted" in output
    assert "Type yes to delete them" in output
    if deleted:
        assert process.returncode == 0, output
        assert session_count(db) == 26
    else:
        assert process.returncode == 1, output
        assert "Nothing was deleted." in output
        assert session_count(db) == 30


def test_an_upgraded_old_database_reports_its_old_sessions_apart(runner, tmp_path):
    """Rule 1 sessions of a version 4 file, upgraded, then rule 3 sessions: stats and
    every export show one rule's figures and say which, the other rule apart."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from old_schemas import old_database

    db = tmp_path / "k.db"
    old = [
        dict(id=uuid.uuid4().hex, day="2025-03-14", site="Gent", terminal="t1", language="nl",
             status="completed", items_answered=20, duration_minutes=7, category="basic",
             bank_version="1", levels={a: "basic" for a in range(1, 6)})
        for _ in range(12)
    ]  # fmt: skip
    old_database(db, 4, old)
    assert runner.invoke(cli, ["upgrade", "--db", str(db), "--region", "flanders"]).exit_code == 0
    conn = open_database(db)
    for _ in range(8):
        record = SessionRecord(
            id=uuid.uuid4().hex, day="2026-12-07", site="Gent", terminal="t1",
            region="flanders", language="nl", status="completed", items_answered=9,
            category="none", bank_version="2026.3", scoring_version=3,
            levels=dict.fromkeys(range(1, 6), "none"), answers={"internet-3-months": "yes"},
        )  # fmt: skip
        save_session(conn, record)
    conn.close()
    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Sessions 8 · completed 8" in result.output and "rule 3" in result.output
    assert "12 sessions scored by rule 1" in result.output
    assert "At least basic skills: 0.0%" in result.output
    result = runner.invoke(cli, ["stats", "--db", str(db), "--rule", "1"])
    assert "Sessions 12 · completed 12" in result.output
    assert (
        "At least basic skills: 100.0%" in result.output
        and "8 sessions scored by rule 3" in result.output
    )
    result = runner.invoke(cli, ["stats", "--db", str(db), "--rule", "9"])
    assert result.exit_code == 2 and "no such scoring rule" in result.output
