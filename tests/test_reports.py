"""Reports: summary, aggregation, suppression (as a property), writers, merge, backup."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import uuid

import pytest

from skillcheck.reports import (
    Filters,
    build_export,
    summarise,
    suppress_small_cells,
    write_csv,
    write_json,
)
from skillcheck.store import (
    SessionRecord,
    open_database,
    save_session,
)

LEVELS_ALL_BASIC = {area: "basic" for area in range(1, 6)}


def session(day="2025-03-14", site="Gent", language="nl", status="completed", **kw):
    return SessionRecord(
        id=uuid.uuid4().hex,
        day=day,
        site=site,
        terminal=kw.pop("terminal", "t1"),
        region="flanders",
        language=language,
        status=status,
        items_answered=20 if status == "completed" else 3,
        duration_band="5_to_10",
        category=kw.pop("category", "basic") if status == "completed" else None,
        bank_version="1",
        scoring_version=1,
        levels=kw.pop("levels", LEVELS_ALL_BASIC),
        answers={"a": "1"},
    )


def fill(db, sessions):
    for s in sessions:
        save_session(db, s)
    return db


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "k.db")


# --- suppression as a property ------------------------------------------------


def random_table(rng):
    """A rows x cols table with row totals, column totals and a grand total."""
    n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
    values, equations = {}, []
    for r in range(n_rows):
        for c in range(n_cols):
            values[(r, c)] = rng.choice([0, 0, 1, 2, 3, 5, 9, 10, 12, 30, 100])
        values[(r, "T")] = sum(values[(r, c)] for c in range(n_cols))
        equations.append([(r, "T")] + [(r, c) for c in range(n_cols)])
    for c in [*range(n_cols), "T"]:
        values[("T", c)] = sum(values[(r, c)] for r in range(n_rows))
        equations.append([("T", c)] + [(r, c) for r in range(n_rows)])
    return values, equations


@pytest.mark.parametrize("seed", range(300))
def test_no_suppressed_cell_can_be_worked_out(seed):
    rng = random.Random(seed)
    values, equations = random_table(rng)
    k = rng.choice([1, 3, 5, 10])
    hidden = suppress_small_cells(values, equations, k)
    # Primary: every small non-zero cell is hidden; zeros and big cells need not be.
    assert {c for c, v in values.items() if 0 < v < k} <= hidden
    # Secondary: no total/parts equation has exactly one hidden cell, so no hidden
    # value equals its total minus the visible cells.
    for equation in equations:
        assert sum(cell in hidden for cell in equation) != 1, (equation, hidden)


def test_suppression_example_and_zero_rule():
    values = {"T": 25, "a": 3, "b": 12, "c": 10, "z": 0}
    hidden = suppress_small_cells(values, [["T", "a", "b", "c", "z"]], 10)
    assert hidden == {"a", "c"}  # 3 is small; 10 is the smallest visible non-zero
    assert suppress_small_cells({"T": 0, "a": 0}, [["T", "a"]], 10) == frozenset()
    with pytest.raises(ValueError):
        suppress_small_cells(values, [], 0)


# --- summary and export ---------------------------------------------------------


def test_summary_counts(db):
    fill(
        db,
        [session(language="fr", site="Liège")] * 1
        + [session(category="low", levels={1: "none", 2: "above_basic"})]
        + [session(status="abandoned")],
    )
    s = summarise(db)
    assert (s.sessions, s.completed) == (3, 2)
    assert s.categories["basic"] == 1 and s.categories["low"] == 1
    assert s.levels[1] == {"none": 1, "basic": 1, "above_basic": 0}
    assert [(b.name, b.sessions, b.completed) for b in s.by_language] == [
        ("nl", 2, 1),
        ("fr", 1, 1),
    ]
    assert summarise(db, Filters(site="Liège")).levels[1]["basic"] == 1
    assert summarise(db, Filters(since="2026-01-01")).sessions == 0


def test_export_by_month_with_totals_and_suppression(db):
    fill(db, [session(day="2025-01-05") for _ in range(30)])
    fill(db, [session(day="2025-01-06", status="abandoned") for _ in range(3)])
    fill(db, [session(day="2025-02-10", category="low") for _ in range(12)])
    table = build_export(db, by="month", min_count=10)
    assert table.key_columns == ("period",)
    assert table.key_columns == ("period",)
    assert table.count_columns[:3] == ("sessions", "completed", "abandoned")
    n = None
    # January's 3 abandoned sessions are primary; everything that would let someone
    # work them out (completed, then through the column and row totals, February and
    # the totals) is hidden in turn, smallest non-zero cell first. Zeros stay visible.
    assert [(row.key, row.counts) for row in table.rows] == [
        (("2025-01",), (n, n, n, 0, n, 0, 0, 0, 0)),
        (("2025-02",), (n, n, 0, 0, 0, n, 0, 0, 0)),
        (("total",), (45, n, n, 0, n, n, 0, 0, 0)),
    ]
    assert table.rows[-1].is_total
    assert build_export(db, by="month", min_count=1).rows[0].counts[:3] == (33, 30, 3)


def test_export_by_week_and_group_area(db):
    # 2024-12-30 is in ISO week 2025-W01.
    fill(db, [session(day="2024-12-30", site="Gent") for _ in range(11)])
    fill(db, [session(day="2025-01-03", site="Gent") for _ in range(11)])
    table = build_export(db, by="week", group=["area", "site"], min_count=5)
    assert table.key_columns == ("period", "site", "area")
    detail = [r for r in table.rows if not r.is_total]
    assert {r.key[0] for r in detail} == {"2025-W01"}
    assert len(detail) == 5 and detail[0].counts == (22, 0, 22, 0)
    totals = [r for r in table.rows if r.is_total]
    assert [r.key for r in totals] == [("total", "total", str(a)) for a in range(1, 6)]


def test_export_refuses_bad_options(db):
    with pytest.raises(ValueError, match="--by"):
        build_export(db, by="year")
    with pytest.raises(ValueError, match="unknown group"):
        build_export(db, group=["name"])
    with pytest.raises(ValueError, match="min-count"):
        build_export(db, min_count=0)


def test_csv_plain_and_belgian_excel(db):
    fill(db, [session() for _ in range(3)] + [session(status="abandoned") for _ in range(3)])
    table = build_export(db, by="day", min_count=4)
    plain = io.BytesIO()
    write_csv(table, plain)
    text = plain.getvalue().decode("utf-8")
    assert text.startswith("period,sessions,completed")
    assert list(csv.reader(io.StringIO(text)))[1][:4] == ["2025-03-14", "6", "<4", "<4"]
    excel = io.BytesIO()
    write_csv(table, excel, excel=True)
    data = excel.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period;sessions;completed;abandoned")
    assert lines[1].endswith(";<4")  # a share of a hidden count is hidden too
    table = build_export(db, by="day", min_count=2)
    excel = io.BytesIO()
    write_csv(table, excel, excel=True)
    assert excel.getvalue().decode("utf-8-sig").splitlines()[1].endswith(";50,0")  # decimal comma


def test_json_marks_suppressed(db):
    fill(db, [session() for _ in range(12)] + [session(status="abandoned")])
    out = io.BytesIO()
    write_json(build_export(db, by="month", group=["language"]), out)
    doc = json.loads(out.getvalue())
    first = doc["rows"][0]
    assert first["abandoned"] is None and "abandoned" in first["suppressed"]
    assert doc["min_count"] == 10 and doc["rows"][-1]["total_row"] is True


@pytest.mark.parametrize("seed", range(8))
def test_real_exports_keep_the_property(tmp_path, seed):
    """The equations build_export publishes (row sums, total rows) never have exactly
    one hidden cell, for random data, periods and groups."""
    rng = random.Random(seed)
    db = open_database(tmp_path / "r.db")
    cats = ["above_basic", "basic", "low", "narrow", "limited", "none"]
    fill(
        db,
        [
            session(
                day=f"2025-0{rng.randint(1, 3)}-1{rng.randint(0, 9)}",
                site=rng.choice(["Gent", "Liège", "Brussel"]),
                language=rng.choice(["nl", "fr", "en"]),
                status=rng.choice(["completed"] * 4 + ["abandoned"]),
                category=rng.choice(cats),
                levels={a: rng.choice(["none", "basic", "above_basic"]) for a in range(1, 6)},
            )
            for _ in range(rng.randint(20, 120))
        ],
    )
    group = rng.choice([[], ["site"], ["site", "language"], ["language", "area"]])
    table = build_export(db, by=rng.choice(["day", "week", "month"]), group=group)
    cols = table.count_columns
    for row in table.rows:
        cell = dict(zip(cols, row.counts, strict=True))
        lines = (
            [[cell[c] for c in cols]]
            if "area" in group
            else [
                [cell["sessions"], cell["completed"], cell["abandoned"]],
                [cell["completed"], *(cell[c] for c in cats)],
            ]
        )
        for line in lines:
            assert sum(v is None for v in line) != 1, row
    partitions = {row.key[-1] if "area" in group else () for row in table.rows}
    for part in partitions:
        rows = [r for r in table.rows if ("area" not in group or r.key[-1] == part)]
        for i in range(len(cols)):
            assert sum(r.counts[i] is None for r in rows) != 1


@pytest.mark.parametrize("seed", range(10))
def test_reports_equal_counts_over_the_sessions(tmp_path, seed):
    """Property: stats and unsuppressed exports from the daily tables equal counts
    made in Python from the saved sessions, for random data, filters and groups."""
    rng = random.Random(seed)
    db = open_database(tmp_path / "p.db")
    sessions = [
        session(
            day=f"2025-0{rng.randint(1, 3)}-{rng.randint(1, 28):02d}",
            site=rng.choice(["Gent", "Liège"]),
            terminal=rng.choice(["t1", "t2"]),
            language=rng.choice(["nl", "fr"]),
            status=rng.choice(["completed"] * 3 + ["abandoned"]),
            category=rng.choice(["basic", "low", "none"]),
            levels={a: rng.choice(["none", "basic", "above_basic"]) for a in range(1, 6)},
        )
        for _ in range(rng.randint(1, 80))
    ]
    fill(db, sessions)
    filters = rng.choice(
        [Filters(), Filters(since="2025-02-01"), Filters(site="Gent", until="2025-02-15")]
    )
    chosen = [
        s
        for s in sessions
        if (filters.since is None or s.day >= filters.since)
        and (filters.until is None or s.day <= filters.until)
        and (filters.site is None or s.site == filters.site)
    ]
    done = [s for s in chosen if s.status == "completed"]

    summary = summarise(db, filters)
    assert (summary.sessions, summary.completed) == (len(chosen), len(done))
    assert summary.first_day == min((s.day for s in chosen), default=None)
    for category, count in summary.categories.items():
        assert count == sum(s.category == category for s in done)
    for area, levels in summary.levels.items():
        for level, count in levels.items():
            assert count == sum(s.levels[area] == level for s in done)

    by = rng.choice(["day", "week", "month"])
    group = rng.choice([["site", "terminal"], ["language"], ["terminal", "area"]])
    table = build_export(db, by=by, group=group, filters=filters, min_count=1)
    with_area = "area" in group

    def period(day):
        if by == "month":
            return day[:7]
        if by == "week":
            year, week, _ = dt.date.fromisoformat(day).isocalendar()
            return f"{year}-W{week:02d}"
        return day

    expected = {}
    for s in done if with_area else chosen:
        key = (period(s.day), *(getattr(s, g) for g in group if g != "area"))
        for area in range(1, 6) if with_area else [None]:
            full_key = key + ((str(area),) if with_area else ())
            counts = expected.setdefault(full_key, dict.fromkeys(table.count_columns, 0))
            if with_area:
                counts["completed"] += 1
                counts[s.levels[area]] += 1
            else:
                counts["sessions"] += 1
                counts[s.status] += 1
                if s.status == "completed":
                    counts[s.category] += 1
    got = {
        row.key: dict(zip(table.count_columns, row.counts, strict=True))
        for row in table.rows
        if not row.is_total
    }
    assert got == expected
