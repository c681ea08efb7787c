"""Releases (issue 21): closed periods only, published once, never changed; the
network's settings; exports that read only what was released."""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil

import pytest

import published_data
import soak
from skillcheck.releases import (
    PublishError,
    is_closed,
    network_settings,
    parse_period,
    period_days,
    publish,
    released_periods,
)
from skillcheck.reports import Filters, OptionError, build_export, write_csv
from skillcheck.store import open_database

TODAY = dt.date(2025, 5, 20)  # April closes on May 14 + 1 with the default 14 days
SITES = [published_data.Site("Bibliothèque Mons", 2, "wallonia")]


def released(db) -> list[tuple]:
    return db.execute("SELECT * FROM released_cells ORDER BY 1, 2, 3, 4, 5, 6").fetchall()


def quiet_site(tmp_path, seed=1, days=140):
    rng = random.Random(seed)
    visits = published_data.generate(rng, SITES, dt.date(2025, 1, 1), days)
    return published_data.store(tmp_path / "site.db", visits), rng


def every_export(db) -> bytes:
    """Every table the export command can print, in one byte string."""
    out = io.BytesIO()
    for by in ("month", "quarter", "year"):
        for group in ([], ["site"], ["region"], ["language"]):
            for area in ([], ["area"]):
                write_csv(build_export(db, by=by, group=group + area), out)
    return out.getvalue()


def monthly_exports(db) -> bytes:
    """The tables a late visitor's month is in: by month, with and without areas."""
    out = io.BytesIO()
    for group in (["language"], ["language", "area"]):
        write_csv(build_export(db, by="month", group=group), out)
    return out.getvalue()


def test_periods_close_after_their_last_day_and_the_grace_days():
    assert period_days("2025-Q1") == ("2025-01-01", "2025-03-31")
    assert period_days("2024-02") == ("2024-02-01", "2024-02-29")
    assert period_days("2025") == ("2025-01-01", "2025-12-31")
    assert not is_closed("2025-04", dt.date(2025, 5, 14), 14)
    assert is_closed("2025-04", dt.date(2025, 5, 15), 14)
    assert parse_period("2026-q2") == "2026-Q2"
    for bad in ("2026-13", "26", "2026-Q5", "March"):
        with pytest.raises(PublishError, match="not a period"):
            parse_period(bad)


def test_only_closed_periods_are_released_once_and_never_change(tmp_path):
    db, rng = quiet_site(tmp_path)  # 2025-01-01 .. 2025-05-20
    result = publish(db, TODAY)
    assert result.periods == ("2025-01", "2025-Q1", "2025-02", "2025-03", "2025-04")
    assert set(result.waiting) == {"2025-05", "2025-Q2", "2025"}
    first = released(db)
    # Late arrivals for a released month, and visits of the open month.
    late = published_data.generate(rng, SITES * 5, dt.date(2025, 3, 1), 31)
    late += published_data.generate(rng, SITES, dt.date(2025, 5, 21), 5)
    published_data.add(db, late)
    again = publish(db, TODAY)
    assert again.release is None and again.periods == ()
    assert released(db) == first  # nothing published changed
    later = publish(db, dt.date(2025, 7, 20))  # May and Q2 have closed since
    assert set(later.periods) == {"2025-05", "2025-Q2"}
    assert set(first) <= set(released(db))
    # Q2 holds everyone of April to June; March stays as released.
    assert db.execute("SELECT count(*) FROM releases").fetchone()[0] == 2
    db.close()


def test_the_threshold_and_grace_days_belong_to_the_network(tmp_path):
    db, _ = quiet_site(tmp_path)
    assert not network_settings(db).stored
    publish(db, TODAY, min_count=12, grace_days=20)
    assert network_settings(db).threshold == 12 and network_settings(db).grace_days == 20
    with pytest.raises(PublishError, match="can only be raised"):
        publish(db, TODAY, min_count=10)
    with pytest.raises(PublishError, match="can only be raised"):
        publish(db, TODAY, grace_days=7)
    with pytest.raises(PublishError, match="at least 5"):
        publish(db, TODAY, min_count=4)
    publish(db, TODAY, min_count=15)
    assert network_settings(db).threshold == 15
    # Exports: --min-count may raise the threshold for an output, never lower it.
    with pytest.raises(OptionError, match="can only be raised"):
        build_export(db, min_count=10)
    table = build_export(db, by="quarter", min_count=30)
    assert all(c is None or c == 0 or c >= 30 for row in table.rows for c in row.counts)
    db.close()


def test_merge_never_copies_release_logs_and_keeps_the_highest_settings(tmp_path):
    from skillcheck.copies import merge_databases

    db, _ = quiet_site(tmp_path)
    publish(db, TODAY, min_count=12)
    db.close()
    other = open_database(tmp_path / "other.db")
    publish(other, TODAY, min_count=20, grace_days=30)
    other.close()
    target = open_database(tmp_path / "all.db")
    publish(target, TODAY, min_count=15)
    target.close()
    merge_databases(tmp_path / "all.db", [tmp_path / "site.db", tmp_path / "other.db"])
    merged = open_database(tmp_path / "all.db", read_only=True)
    assert released_periods(merged) == {}
    assert merged.execute("SELECT count(*) FROM released_cells").fetchone()[0] == 0
    settings = network_settings(merged)
    assert (settings.threshold, settings.grace_days) == (20, 30)
    merged.close()


def test_a_quiet_sites_months_are_hidden_whole_and_its_quarter_shown(tmp_path):
    db, _ = quiet_site(tmp_path)
    publish(db, TODAY)
    months = build_export(db, by="month", filters=Filters(site="Bibliothèque Mons"))
    assert months.rows and all(row.hidden for row in months.rows)
    for row in months.rows:  # only the visits; no hidden number anywhere
        assert row.counts[0] > 0 and set(row.counts[1:]) == {None}
        assert set(months.percents(row)) == {"hidden"}
    areas = build_export(db, by="month", group=["area"], filters=Filters(site="Bibliothèque Mons"))
    assert all(row.hidden and set(row.counts) == {None} for row in areas.rows)
    quarter = build_export(db, by="quarter", filters=Filters(site="Bibliothèque Mons"))
    assert [row.hidden for row in quarter.rows] == [False]
    text = io.BytesIO()
    write_csv(months, text)
    assert "fewer than 100 completed visits" in text.getvalue().decode()
    db.close()


def test_an_export_says_when_nothing_is_published_yet(tmp_path):
    db, _ = quiet_site(tmp_path)
    table = build_export(db)
    assert table.rows == ()
    out = io.BytesIO()
    write_csv(table, out)
    assert "Nothing is published for these dates yet" in out.getvalue().decode()
    db.close()


def test_two_exports_bracketing_one_visit_show_nothing_of_it(tmp_path):
    """The live-diff attack of issue 21: an export, one more visit (late for a released
    month, or in the open month), `publish` again as a cron job would, another export.
    In 60 trials (200 under `make soak`) the attacker sees no figure change: 0
    categories or levels shown."""
    db, _ = quiet_site(tmp_path)
    publish(db, TODAY)
    before, cells = monthly_exports(db), released(db)
    everything = every_export(db)
    db.close()
    rng = random.Random(200)
    shown = 0
    for trial in range(soak.runs(60, 200)):
        path = tmp_path / f"trial{trial % 2}.db"
        shutil.copy(tmp_path / "site.db", path)
        copy = open_database(path)
        try:
            first = dt.date(2025, 1, 1) if trial % 2 else TODAY
            visit = []
            while not visit:  # one visitor, any day of a released month or of today's
                visit = [
                    v
                    for v in published_data.generate(rng, SITES, first, 100 if trial % 2 else 1)
                    if v.completed
                ][:1]
            published_data.add(copy, visit)
            publish(copy, TODAY)
            # Every published figure is a released cell: comparing them all is the
            # attacker's whole diff; two exports are compared as the issue did.
            shown += released(copy) != cells or monthly_exports(copy) != before
            if trial < 2:
                shown += every_export(copy) != everything
        finally:
            copy.close()
    assert shown == 0
