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


def make_db(path, n=30, site="Gent", terminal="t1"):
    # Seeded cell keys: with ~1 visit a day, the random keys alone decide whether a
    # month's published count is 0 (one run in four had no March row at all).
    keys = random.Random(f"{site}-{terminal}-{n}")
    db = open_database(path)
    with mock.patch.object(migrations, "new_cell_key", lambda: keys.randrange(2**32)):
        fill(db, n, site, terminal)
    db.close()
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
    assert "Sessions 30 · completed 27 (90.0%)" in result.output
    assert "Level per area" in result.output and "By site" in result.output
    assert "not for publication" in result.output and "By region" in result.output
    assert "At least basic skills: 100.0%" in result.output  # true counts, for staff
    assert "Digital Skills Indicator" in result.output and "80%" in result.output
    result = runner.invoke(cli, ["stats", "--db", str(db), "--since", "2025-04-01"])
    assert result.exit_code == 0 and "Sessions 0" in result.output


def test_stats_carries_the_dsi_caveat(runner, db):
    from skillcheck.digcomp import DSI_CAVEAT

    result = runner.invoke(cli, ["stats", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert " ".join(DSI_CAVEAT.split()) in " ".join(result.output.split())


def test_export_csv_json_excel(runner, db, tmp_path):
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--by", "month"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("period,partial period,visits,completed,abandoned")
    assert lines[1].startswith("2025-03,,")
    assert "<10" not in result.output
    out = tmp_path / "e.csv"
    args = ["export", "--db", str(db), "--format", "csv", "--excel", "-o", str(out)]
    assert runner.invoke(cli, args + ["--group", "language", "--lang", "nl"]).exit_code == 0
    assert out.read_bytes().startswith("\ufeffperiode;taal;onvolledige periode;bezoeken".encode())
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "json", "--group", "area"])
    doc = json.loads(result.output)
    assert doc["key_columns"] == ["period", "area"] and len(doc["rows"]) == 10
    config = tmp_path / "site.toml"
    config.write_text(f'database = "{db}"\ndefault_language = "fr"\n', encoding="utf-8")
    result = runner.invoke(cli, ["export", "--config", str(config), "--format", "csv"])
    assert result.output.startswith("période,période partielle,visites")
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "--site", "Gnet"])
    assert result.exit_code == 2 and "known sites: Gent" in result.output


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
        args += ["--since", "2025-03-03", "--until", "2025-03-31"]
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
        (["export", "--db", "{db}", "--format", "csv", "--min-count", "4"], "at least 5"),
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


def test_export_replaces_an_ordinary_file_whole(runner, db, tmp_path):
    target = tmp_path / "figures.csv"
    target.write_text("old figures\n")
    result = runner.invoke(cli, ["export", "--db", str(db), "--format", "csv", "-o", str(target)])
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
    out = tmp_path / "e.json"
    result = runner.invoke(
        cli, ["export", "--db", str(db), "--format", "json", "-o", str(out), "--min-count", "5"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["scoring_rule"] == 3 and "rule 3" in document["notes"][0]
    result = runner.invoke(cli, ["stats", "--db", str(db), "--rule", "9"])
    assert result.exit_code == 2 and "no such scoring rule" in result.output
