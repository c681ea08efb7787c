"""Reports: summary, protected exports (as a property against the sessions), writers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import uuid

import pytest

from skillcheck.disclosure import PerturbationTable
from skillcheck.reports import (
    Filters,
    build_export,
    export_database,
    report_translator,
    summarise,
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
        category=kw.pop("category", "basic") if status == "completed" else None,
        bank_version="1",
        scoring_version=kw.pop("scoring_version", 3),
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
    assert s.levels[1] == {"not_assessed": 0, "none": 1, "basic": 1, "above_basic": 0}
    assert [(b.name, b.sessions, b.completed) for b in s.by_language] == [
        ("nl", 2, 1),
        ("fr", 1, 1),
    ]
    assert s.headline == 0.5  # one of two completed visits at least basic
    assert [(b.name, b.headline) for b in s.by_region] == [("flanders", 0.5)]
    assert summarise(db, Filters(site="Liège")).levels[1]["basic"] == 1
    assert summarise(db, Filters(since="2026-01-01")).sessions == 0
    with pytest.raises(ValueError, match="known sites: Gent, Liège"):
        summarise(db, Filters(site="Gnet"))


def test_export_counts_are_zero_or_at_least_the_threshold_and_totals_add_up(db):
    fill(db, [session(day="2025-01-05") for _ in range(30)])
    fill(db, [session(day="2025-01-06", status="abandoned") for _ in range(3)])
    fill(db, [session(day="2025-02-10", category="low") for _ in range(12)])
    for min_count in (5, 10, 20):
        table = build_export(db, by="month", min_count=min_count)
        assert table.key_columns == ("period",)
        assert table.count_columns[:3] == ("sessions", "completed", "abandoned")
        for row in table.rows:
            assert all(c == 0 or c >= min_count for c in row.counts), row
            cell = dict(zip(table.count_columns, row.counts, strict=True))
            assert cell["sessions"] == cell["completed"] + cell["abandoned"]
        *rows, total = table.rows
        assert total.is_total
        assert list(total.counts) == [sum(c) for c in zip(*(r.counts for r in rows), strict=True)]
        # 30 true completed in January: changed by at most 2 (each daily count is >= 5).
        assert abs(rows[0].counts[1] - 30) <= 2


def test_export_by_week_and_group_area_marks_partial_weeks(db):
    # 2024-12-30 is in ISO week 2025-W01.
    fill(db, [session(day="2024-12-30", site="Gent") for _ in range(11)])
    fill(db, [session(day="2025-01-03", site="Gent") for _ in range(11)])
    table = build_export(db, by="week", group=["area", "site"], min_count=5)
    assert table.key_columns == ("period", "site", "area")
    detail = [r for r in table.rows if not r.is_total]
    assert {r.key[0] for r in detail} == {"2025-W01"}
    assert len(detail) == 5 and not any(r.partial for r in detail)
    totals = [r for r in table.rows if r.is_total]
    assert [r.key for r in totals] == [("total", "total", str(a)) for a in range(1, 6)]
    cut = build_export(db, by="week", filters=Filters(since="2025-01-01"), min_count=5)
    assert [r.partial for r in cut.rows] == [True, False]  # the week, then the total


def test_export_refuses_bad_options(db):
    with pytest.raises(ValueError, match="--by"):
        build_export(db, by="year")
    with pytest.raises(ValueError, match="unknown group"):
        build_export(db, group=["name"])
    for low in (0, 1, 4):
        with pytest.raises(ValueError, match="at least 5"):
            build_export(db, min_count=low)


def test_terminal_brings_its_site(db):
    fill(db, [session(site="Gent", terminal="t1") for _ in range(6)])
    fill(db, [session(site="Liège", terminal="t1") for _ in range(6)])
    table = build_export(db, group=["terminal"], min_count=5)
    assert table.key_columns == ("period", "site", "terminal")
    assert [r.key for r in table.rows if not r.is_total] == [
        ("2025-03", "Gent", "t1"),
        ("2025-03", "Liège", "t1"),
    ]


def test_csv_plain_and_belgian_excel_with_notes(db):
    fill(db, [session() for _ in range(60)] + [session(status="abandoned") for _ in range(3)])
    table = build_export(db, by="day", min_count=5)
    plain = io.BytesIO()
    write_csv(table, plain)
    text = plain.getvalue().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["period", "partial period", "visits", "completed"]
    assert rows[0][-2:] == ["completion %", "at least basic %"]
    assert rows[1][0] == "2025-03-14" and rows[1][1] == ""
    assert rows[3] == []  # after the total row, a blank row, then the notes
    notes = [r[0] for r in rows[4:]]
    assert notes[0].startswith("These figures are of sessions scored by rule 3")
    assert notes[1].startswith("Counts are protected by the cell key method")
    assert any("Digital Skills Indicator" in n for n in notes)
    assert any("59%" in n for n in notes) and any("80%" in n for n in notes)
    # Notes start with a letter: Excel and LibreOffice keep them as text, not formulas.
    assert all(n[0].isalpha() for n in notes)
    excel = io.BytesIO()
    write_csv(table, excel, excel=True)
    data = excel.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period;partial period;visits;completed;abandoned")
    assert re.search(r";\d+,\d;\d+,\d$", lines[1])  # decimal commas


def test_small_bases_show_hidden_shares_and_translated_headers(db):
    fill(db, [session() for _ in range(12)] + [session(status="abandoned")])
    table = build_export(db, by="month", group=["language", "area"], min_count=5)
    out = io.BytesIO()
    write_csv(table, out, t=report_translator("nl"))
    rows = list(csv.reader(io.StringIO(out.getvalue().decode())))
    assert rows[0][:3] == ["periode", "taal", "domein"]
    assert rows[1][2] == "1 Informatie en data"
    # 12 completed visits is under 10 x 5: the share is hidden, in words.
    assert rows[1][-1] not in ("", "<5") and not rows[1][-1][0].isdigit()
    doc = io.BytesIO()
    write_json(table, doc)
    first = json.loads(doc.getvalue())["rows"][0]
    assert first["at_least_basic_percent"] == "hidden" and first["partial_period"] is False


def test_export_is_the_same_on_a_terminal_and_on_a_merged_database(tmp_path):
    from skillcheck.copies import merge_databases

    rng = random.Random(4)
    for name, site in (("a.db", "Gent"), ("b.db", "Liège")):
        terminal = open_database(tmp_path / name)
        fill(
            terminal,
            [
                session(
                    site=site,
                    day=f"2025-03-{rng.randint(1, 28):02d}",
                    language=rng.choice(["nl", "fr"]),
                    status=rng.choice(["completed", "completed", "abandoned"]),
                )
                for _ in range(60)
            ],
        )
        terminal.close()
    merge_databases(tmp_path / "all.db", [tmp_path / "a.db", tmp_path / "b.db"])
    for name, site in (("a.db", "Gent"), ("b.db", "Liège")):
        for by, group in (("week", ["language"]), ("day", []), ("month", ["language", "area"])):
            options = dict(by=by, group=group, filters=Filters(site=site), min_count=5)
            alone = export_database(tmp_path / name, **options)
            merged = export_database(tmp_path / "all.db", **options)
            assert alone.rows == merged.rows


@pytest.mark.parametrize("seed", range(10))
def test_reports_equal_counts_over_the_sessions(tmp_path, seed):
    """Property: stats from the daily tables equal counts made in Python from the saved
    sessions, and every export count equals the sum, over its sessions' base cells, of
    the perturbation table applied to the base cell's count and key sum."""
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
    min_count = rng.choice([5, 10])
    table = build_export(db, by=by, group=group, filters=filters, min_count=min_count)
    with_area = "area" in group
    perturb = PerturbationTable(min_count).perturb
    keys = dict(db.execute("SELECT id, cell_key FROM sessions").fetchall())

    def period(day):
        if by == "month":
            return day[:7]
        if by == "week":
            year, week, _ = dt.date.fromisoformat(day).isocalendar()
            return f"{year}-W{week:02d}"
        return day

    group = [g for g in table.group if g != "area"]  # site comes with terminal
    base = {}  # base cell -> [count, key sum]
    for s in done if with_area else chosen:
        place = (s.day, s.site, s.terminal, s.region, s.language, s.scoring_version)
        for area in range(1, 6) if with_area else [None]:
            kind = (area, s.levels[area]) if with_area else (s.status, s.category or "")
            cell = base.setdefault((place, kind), [0, 0])
            cell[0] += 1
            cell[1] += keys[s.id]
    expected = {}
    for key in [k for k in base if len(k) == 2]:
        (day, site, terminal, region, language, _), kind = key
        values = {"site": site, "terminal": terminal, "region": region, "language": language}
        row_key = (period(day), *(values[g] for g in group))
        if with_area:
            row_key += (str(kind[0]),)
        counts = expected.setdefault(row_key, dict.fromkeys(table.count_columns, 0))
        published = perturb(*base[key])
        if with_area:
            counts["completed"] += published
            counts[kind[1]] += published
        else:
            counts["sessions"] += published
            counts[kind[0]] += published
            if kind[0] == "completed":
                counts[kind[1]] += published
    expected = {k: v for k, v in expected.items() if any(v.values())}
    got = {
        row.key: dict(zip(table.count_columns, row.counts, strict=True))
        for row in table.rows
        if not row.is_total
    }
    assert got == expected


def test_staff_export_writes_only_into_its_folder(tmp_path):
    from skillcheck.staff_export import export_to_folder

    database = tmp_path / "k.db"
    fill(open_database(database), [session() for _ in range(12)]).close()
    day = dt.date(2026, 3, 1)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_to_folder(database, tmp_path / "usb", site="Gent", language="nl", today=day)
    assert not (tmp_path / "usb").exists()  # a missing stick is not made into a folder
    (tmp_path / "usb").mkdir()
    path = export_to_folder(
        database, tmp_path / "usb", site="Bibliothèque / Mons", language="fr", today=day
    )
    assert path == tmp_path / "usb" / "skillcheck-biblioth-que-mons-2026-03-01.csv"
    text = path.read_bytes().decode("utf-8-sig")
    assert text.startswith("période;période partielle;visites")  # Excel-BE, in French


# --- one rule per figure (docs/scoring.md): sessions of rules 1, 2 and 3 apart -------


def three_rules(db):
    """Rule 1 and 2 sessions all "basic", rule 3 sessions all "none" or not assessed."""
    fill(
        db,
        [session(scoring_version=1) for _ in range(7)]
        + [session(scoring_version=2) for _ in range(5)]
        + [
            session(scoring_version=3, category="none", levels=dict.fromkeys(range(1, 6), "none"))
            for _ in range(4)
        ]
        + [
            session(
                scoring_version=3,
                category="not_assessed",
                levels=dict.fromkeys(range(1, 6), "not_assessed"),
            )
            for _ in range(2)
        ],
    )
    return db


def test_no_figure_mixes_two_scoring_rules(db):
    three_rules(db)
    newest = summarise(db)
    assert newest.rule == 3 and newest.completed == 6
    assert newest.categories["basic"] == 0 and newest.headline == 0
    assert newest.other_rules == {1: 7, 2: 5}
    for rule, count in ((1, 7), (2, 5)):
        old = summarise(db, Filters(rule=rule))
        assert old.rule == rule and old.completed == count and old.headline == 1
        assert sum(old.levels[1].values()) == count
    for group in ([], ["area"]):
        table = build_export(db, by="month", group=group, min_count=5)
        assert table.filters.rule == 3
        total = next(r for r in table.rows if r.is_total)
        # 6 true rule-3 sessions, protected (a small daily count is 0 or 5, others
        # move by at most 2): never near the 18 of all three rules mixed
        completed = dict(zip(table.count_columns, total.counts, strict=True))["completed"]
        assert completed <= 10
        document = io.BytesIO()
        write_json(table, document)
        assert json.loads(document.getvalue())["scoring_rule"] == 3
        assert "rule 3" in json.loads(document.getvalue())["notes"][0]


def test_not_assessed_visits_stay_in_every_shares_denominator(db):
    """Eurostat counts people who did not use the internet in the denominator."""
    fill(
        db,
        [session(category="basic") for _ in range(30)]
        + [
            session(category="not_assessed", levels=dict.fromkeys(range(1, 6), "not_assessed"))
            for _ in range(30)
        ],
    )
    summary = summarise(db)
    assert summary.completed == 60 and summary.headline == 0.5
    assert summary.levels[1]["not_assessed"] == 30
    table = build_export(db, by="month", group=["area"], min_count=5)
    area_1 = next(r for r in table.rows if r.is_total and r.key[-1] == "1")
    cells = dict(zip(table.count_columns, area_1.counts, strict=True))
    assert (
        cells["completed"]
        == cells["not_assessed"] + cells["basic"] + cells["none"] + cells["above_basic"]
    )
