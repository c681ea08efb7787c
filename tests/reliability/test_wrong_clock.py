"""A wrong clock (issue 19, point 6): dates of 1970 or 2099 were stored silently and a
2099 session survived every `purge`. The kiosk now judges its clock once, when it makes
the record, against the question bank's `released` day (questions/areas.toml): a day
before it, or more than 3 years after it, marks the record "implausible". Such records
are stored, left out of every published figure (the daily count tables), counted and
warned about by `stats` and the staff screen, removed by `purge --implausible`, never
judged again (a flush or a merge keeps what the record says), and the result's QR code
leaves out the date."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillcheck import schema
from skillcheck.bank import load_bank
from skillcheck.cli import cli
from skillcheck.copies import merge_databases
from skillcheck.records import judge_clock, record_from_json, record_to_json
from skillcheck.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from kiosk_driver import QUESTIONS_DIR, answer_all, beginner_number, make_app, run, start_visit  # noqa: E402
from sample_records import make as record  # noqa: E402
from skillcheck.tui.screens.take_home import TakeHomeModal  # noqa: E402

RELEASED = load_bank(QUESTIONS_DIR).released


def test_the_bank_says_when_it_was_released():
    assert RELEASED == dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    "day, clock",
    [
        (dt.date(1970, 1, 1), "implausible"),
        (RELEASED - dt.timedelta(days=1), "implausible"),
        (RELEASED, "ok"),
        (dt.date(2029, 11, 28), "ok"),
        (dt.date(2029, 11, 29), "implausible"),
        (dt.date(2099, 12, 31), "implausible"),
    ],
)
def test_the_clock_is_judged_against_the_release(day, clock):
    assert judge_clock(day, RELEASED) == clock


def saved(db: Path, clocks: dict[str, str]) -> dict[str, str]:
    store = Store(db)
    ids = {}
    for day, clock in clocks.items():
        r = record(day=day, clock=clock)
        assert store.save(r)
        ids[r.id] = day
    return ids


def test_implausible_sessions_are_kept_but_in_no_figure_and_purged_on_request(tmp_path):
    db = tmp_path / "kiosk.db"
    saved(db, {"2026-12-01": "ok", "1970-01-01": "implausible", "2099-01-01": "implausible"})
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 3  # stored
    assert conn.execute("SELECT sum(sessions) FROM daily_sessions").fetchone()[0] == 1
    assert conn.execute("SELECT DISTINCT day FROM daily_levels").fetchall() == [("2026-12-01",)]
    assert set(conn.execute("SELECT * FROM daily_sessions")) == set(
        conn.execute(schema.DAILY_SESSIONS_QUERY)
    )
    conn.close()
    stats = CliRunner().invoke(cli, ["stats", "--db", str(db)])
    assert stats.exit_code == 0
    assert "Sessions 1 " in stats.output and "2 session(s) with an implausible date" in stats.output
    # 1970-01 closed long ago: a publish would release it if the wrong day counted.
    published = CliRunner().invoke(cli, ["publish", "--db", str(db)])
    assert published.exit_code == 0, published.output
    periods = sqlite3.connect(db).execute("SELECT period FROM released_periods").fetchall()
    assert not [p for (p,) in periods if p.startswith(("1970", "2099"))]
    export = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "json"])
    assert "2099" not in export.output and "1970" not in export.output
    counts = Store(db).counts(dt.date(2026, 12, 1))
    assert counts.implausible == 2 and counts.today == 1
    # `purge --before` keeps a 2099 session; `purge --implausible` removes both.
    before = CliRunner().invoke(cli, ["purge", "--db", str(db), "--before", "2026-01-01", "--yes"])
    assert before.exit_code == 0 and "0 sessions" not in before.output  # 1970 is older
    implausible = CliRunner().invoke(cli, ["purge", "--db", str(db), "--implausible", "--yes"])
    assert implausible.exit_code == 0, implausible.output
    assert "1 sessions with an implausible date removed" in implausible.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT day, clock FROM sessions").fetchall() == [("2026-12-01", "ok")]
    assert conn.execute("SELECT sum(sessions) FROM daily_sessions").fetchone()[0] == 1
    conn.close()
    nothing = CliRunner().invoke(cli, ["purge", "--db", str(db)])
    assert nothing.exit_code == 2


def test_a_spooled_or_merged_record_is_never_judged_again(tmp_path):
    """A line spooled with a wrong clock stays implausible, one spooled with a right clock
    stays ok, whatever day the flush or the merge runs."""
    wrong = record(day="2099-01-01", clock="implausible")
    right = record(day="2026-12-01")
    assert record_from_json(record_to_json(wrong)).clock == "implausible"
    old_line = record_to_json(record(day="2026-12-02")).replace(', "clock": "ok"', "")
    assert record_from_json(old_line).clock == "ok"  # spooled by version 6
    db = tmp_path / "kiosk.db"
    spool = db.with_name(db.name + ".spool.jsonl")
    spool.write_text(record_to_json(wrong) + "\n" + record_to_json(right) + "\n" + old_line + "\n")
    Store(db)
    conn = sqlite3.connect(db)
    assert dict(conn.execute("SELECT day, clock FROM sessions")) == {
        "2099-01-01": "implausible", "2026-12-01": "ok", "2026-12-02": "ok",
    }  # fmt: skip
    conn.close()
    merged = tmp_path / "all.db"
    merge_databases(merged, [db])
    conn = sqlite3.connect(merged)
    assert conn.execute("SELECT clock FROM sessions WHERE day = '2099-01-01'").fetchone() == (
        "implausible",
    )
    assert conn.execute("SELECT sum(sessions) FROM daily_sessions").fetchone()[0] == 2
    conn.close()


def test_the_kiosk_marks_its_record_and_leaves_the_date_out_of_the_qr_code(tmp_path, monkeypatch):
    class Year2099(dt.date):
        @classmethod
        def today(cls):
            return cls(2099, 3, 2)

    # The kiosk's clock says 2099 where it dates records (only there: patching
    # datetime.date itself would change every clock of the test).
    monkeypatch.setattr("skillcheck.visit_record.dt", types.SimpleNamespace(date=Year2099))

    async def scenario():
        app = make_app(tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "en")
            await answer_all(pilot, beginner_number)
            await pilot.press("q")  # the result's code is on its take-home screen
            await pilot.pause()
            assert isinstance(app.screen, TakeHomeModal)
            await app.workers.wait_for_complete()
            return app.screen.summary

    summary = run(scenario())
    # "SKILLCHECK 1:- 2:- …": the levels, and no day rather than 2099's.
    assert summary.startswith("SKILLCHECK 1:")
    with sqlite3.connect(tmp_path / "sessions.db") as conn:
        assert conn.execute("SELECT day, clock FROM sessions").fetchall() == [
            ("2099-03-02", "implausible")
        ]
        assert conn.execute("SELECT count(*) FROM daily_sessions").fetchone()[0] == 0
