"""Reports: summary, exports of released figures (a property against the sessions), writers."""

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
        scoring_version=kw.pop("scoring_version", 1),
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


PUBLISHED_ON = dt.date(2026, 12, 1)  # every period of 2025 has closed


def publish(db, **options):
    from skillcheck.releases import publish as release

    return release(db, PUBLISHED_ON, **options)


def test_export_reads_released_cells_and_totals_are_cells_of_their_own(db):
    fill(db, [session(day="2025-01-05") for _ in range(30)])
    fill(db, [session(day="2025-01-06", status="abandoned") for _ in range(3)])
    fill(db, [session(day="2025-02-10", site="Liège", category="low") for _ in range(12)])
    assert build_export(db).rows == ()  # nothing released yet: nothing printed
    publish(db, min_count=5)
    table = build_export(db, by="month", group=["site"], min_count=5)
    assert table.key_columns == ("period", "scoring", "site")
    assert table.count_columns[:3] == ("sessions", "completed", "abandoned")
    keys = [row.key for row in table.rows]
    assert keys == [
        ("2025-01", "1", "Gent"),
        ("2025-01", "1", "total"),
        ("2025-02", "1", "Liège"),
        ("2025-02", "1", "total"),
    ]
    for row in table.rows:
        assert all(c is None or c == 0 or c >= 5 for c in row.counts), row
    # One site in January: the total is the same sessions, so the same cell value.
    assert table.rows[0].counts == table.rows[1].counts
    # 33 true visits in January: published within 5 (the design's D).
    assert abs(table.rows[0].counts[0] - 33) <= 5
    # Quarters and the year are cells of their own too.
    assert [r.key for r in build_export(db, by="quarter").rows] == [("2025-Q1", "1")]
    assert [r.key for r in build_export(db, by="year").rows] == [("2025", "1")]
    # Dates select whole periods only.
    cut = build_export(db, filters=Filters(since="2025-01-02"))
    assert [r.key[0] for r in cut.rows] == ["2025-02"]


def test_export_refuses_bad_options(db):
    with pytest.raises(ValueError, match="--by"):
        build_export(db, by="day")
    with pytest.raises(ValueError, match="unknown group"):
        build_export(db, group=["name"])
    with pytest.raises(ValueError, match="not published per terminal"):
        build_export(db, group=["terminal"])
    with pytest.raises(ValueError, match="one of site, region or language"):
        build_export(db, group=["site", "language"])
    fill(db, [session()])
    with pytest.raises(ValueError, match="whole network only"):
        build_export(db, group=["language"], filters=Filters(site="Gent"))
    for low in (0, 1, 4):
        with pytest.raises(ValueError, match="can only be raised"):
            build_export(db, min_count=low)


def test_csv_plain_and_belgian_excel_with_notes(db):
    fill(db, [session() for _ in range(160)] + [session(status="abandoned") for _ in range(3)])
    publish(db)
    table = build_export(db, by="month", group=["site"])
    plain = io.BytesIO()
    write_csv(table, plain)
    text = plain.getvalue().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["period", "scoring version", "site", "visits", "completed"]
    assert rows[0][-2:] == ["completion %", "at least basic %"]
    assert rows[1][:3] == ["2025-03", "1", "Gent"] and rows[2][2] == "total"
    assert rows[3] == []  # after the total row, a blank row, then the notes
    notes = [r[0] for r in rows[4:]]
    assert notes[0].startswith("Only closed periods are published, once")
    # How far from the truth, for this table, from the design (D = 5 on 150 and more).
    error = next(n for n in notes if n.startswith("How far a figure can be"))
    assert "at most 5 from the true count" in error and "(typically 3,2)" in error
    assert any("not the sums of the rows" in n for n in notes)
    assert any("percentage points from the truth" in n for n in notes)
    assert any("Digital Skills Indicator" in n for n in notes)
    assert any("59%" in n for n in notes) and any("80%" in n for n in notes)
    # Notes start with a letter: Excel and LibreOffice keep them as text, not formulas.
    assert all(n[0].isalpha() or n[0] == "'" for n in notes)
    excel = io.BytesIO()
    write_csv(table, excel, excel=True)
    data = excel.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period;scoring version;site;visits;completed;abandoned")
    assert re.search(r";\d+,\d;\d+,\d$", lines[1])  # decimal commas


def test_a_small_group_is_hidden_whole_in_words_and_in_json(db):
    fill(db, [session() for _ in range(40)] + [session(status="abandoned")])
    publish(db)
    table = build_export(db, by="month", group=["language", "area"])
    out = io.BytesIO()
    write_csv(table, out, t=report_translator("nl"))
    rows = list(csv.reader(io.StringIO(out.getvalue().decode())))
    assert rows[0][0] == "periode" and rows[0][2:4] == ["taal", "domein"]
    assert rows[1][3] == "1 Informatie"
    # 40 completed visits is under 10 x 10: every figure of the row is the word, none a
    # number ("a hidden count is never printed").
    hidden = rows[1][4:]
    assert len(set(hidden)) == 1 and not hidden[0][0].isdigit()
    doc = io.BytesIO()
    write_json(table, doc)
    document = json.loads(doc.getvalue())
    first = document["rows"][0]
    assert first["hidden"] is True and first["completed"] is None
    assert first["at_least_basic_percent"] is None
    assert document["totals_are_sums_of_rows"] is False and document["max_noise"] == 5


def test_the_same_sessions_publish_the_same_figures_on_a_terminal_and_on_a_merge(tmp_path):
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
                for _ in range(260)
            ],
        )
        terminal.close()
    merge_databases(tmp_path / "all.db", [tmp_path / "a.db", tmp_path / "b.db"])
    for name in ("a.db", "b.db", "all.db"):
        database = open_database(tmp_path / name)
        publish(database)
        database.close()
    for name, site in (("a.db", "Gent"), ("b.db", "Liège")):
        for by, group in (("month", []), ("quarter", ["area"]), ("year", [])):
            options = dict(by=by, group=group, filters=Filters(site=site))
            alone = export_database(tmp_path / name, **options)
            merged = export_database(tmp_path / "all.db", **options)
            assert alone.rows == merged.rows and alone.rows


@pytest.mark.parametrize("seed", range(6))
def test_reports_equal_counts_over_the_sessions(tmp_path, seed):
    """Property: stats from the daily tables equal counts made in Python from the saved
    sessions, and every released figure is the perturbation table applied to its cell's
    true count and key sum (the sum of its sessions' keys), counted here from scratch."""
    rng = random.Random(seed)
    db = open_database(tmp_path / "p.db")
    sessions = [
        session(
            day=f"2025-0{rng.randint(1, 4)}-{rng.randint(1, 28):02d}",
            site=rng.choice(["Gent", "Liège"]),
            terminal=rng.choice(["t1", "t2"]),
            language=rng.choice(["nl", "fr"]),
            status=rng.choice(["completed"] * 3 + ["abandoned"]),
            category=rng.choice(["basic", "low", "none"]),
            levels={a: rng.choice(["none", "basic", "above_basic"]) for a in range(1, 6)},
        )
        for _ in range(rng.randint(1, 150))
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

    publish(db, min_count=rng.choice([5, 10]))
    threshold = db.execute("SELECT value FROM network_settings WHERE name = 'threshold'")
    perturb = PerturbationTable(threshold.fetchone()[0]).perturb
    keys = dict(db.execute("SELECT id, cell_key FROM sessions").fetchall())
    expected: dict[tuple, list[int]] = {}
    for s in sessions:
        for period in (s.day[:7], f"2025-Q{(int(s.day[5:7]) - 1) // 3 + 1}", "2025"):
            for grouping, value in (
                ("network", ""), ("site", s.site), ("region", s.region), ("language", s.language)
            ):  # fmt: skip
                measures = [(0, "sessions"), (0, s.status)]
                if s.status == "completed":
                    measures += [(0, s.category)]
                    for area, level in s.levels.items():
                        measures += [(area, "completed"), (area, level)]
                for area, measure in measures:
                    cell = expected.setdefault((period, 1, grouping, value, area, measure), [0, 0])
                    cell[0] += 1
                    cell[1] += keys[s.id]
    got = {row[:6]: row[6] for row in db.execute("SELECT * FROM released_cells")}
    assert got == {key: perturb(count, key_sum) for key, (count, key_sum) in expected.items()}


def test_staff_export_writes_only_into_its_folder(tmp_path):
    from skillcheck.staff_export import export_to_folder

    database = tmp_path / "k.db"
    db = fill(open_database(database), [session() for _ in range(12)])
    publish(db)
    # This month's visits: the staff screen counts them (true, behind the PIN), the
    # export never shows them: the month is not closed, so nothing of it is released.
    this_month = dt.date.today().isoformat()
    fill(db, [session(day=this_month) for _ in range(150)])
    db.close()
    day = dt.date(2026, 3, 1)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        export_to_folder(database, tmp_path / "usb", site="Gent", language="nl", today=day)
    assert not (tmp_path / "usb").exists()  # a missing stick is not made into a folder
    (tmp_path / "usb").mkdir()
    before = database.read_bytes()
    path = export_to_folder(
        database, tmp_path / "usb", site="Bibliothèque / Mons", language="fr", today=day
    )
    assert database.read_bytes() == before  # read-only
    assert path == tmp_path / "usb" / "skillcheck-biblioth-que-mons-2026-03-01.csv"
    assert path.stat().st_mode & 0o777 == 0o600  # staff data: the kiosk's user only
    text = path.read_bytes().decode("utf-8-sig")
    assert text.startswith("période;version du calcul;visites")  # Excel-BE, in French
    assert this_month[:7] not in text


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
    # Exports read released cells, each of one rule: the `scoring` column keeps them apart.
    publish(db, min_count=5)
    for group in ([], ["area"]):
        table = build_export(db, by="month", group=group, min_count=5)
        assert table.key_columns[:2] == ("period", "scoring")
        assert {row.key[1] for row in table.rows} <= {"1", "2", "3"}


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
    publish(db, min_count=5)
    table = build_export(db, by="month", group=["area"], min_count=5)
    area_1 = next(r for r in table.rows if r.key[-1] == "1")
    cells = dict(zip(table.count_columns, area_1.counts, strict=True))
    # Released cells are each perturbed on their own (at most 5 away): not assessed
    # is a cell of the area's table, and completed counts both halves.
    assert abs(cells["not_assessed"] - 30) <= 5 and abs(cells["completed"] - 60) <= 5
