"""`skillcheck items`: item statistics on a generated database with two planted faults.

People get an ability; each item is mastered with a probability that rises with it
(a two-parameter logistic model), along the real adaptive path of `Session`.
Two items are planted: one whose answers do not depend on ability at all (zero
discrimination) and one that is much harder in French than in the other languages
at equal ability (differential item functioning). Both must be flagged, and
nothing else.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import statistics
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from run_folder import built_once
from skillcheck.bank import DONT_KNOW, Bank, Item
from skillcheck.cli import cli
from skillcheck.item_statistics import (
    DIF_POINTS,
    LOW_ITEM_REST,
    Visit,
    item_report,
    read_visits,
)
from skillcheck.scoring import SCORING_VERSION
from skillcheck.session import ACTIVITIES, FILTER, Session
from skillcheck.store import SessionRecord, open_database, save_session

ZERO_DISCRIMINATION = "content-poster"
FRENCH_DIF = "safety-two-step"
VISITS = 3000


def not_rotating(bank: Bank, item_id: str) -> Item:
    item = bank.item(item_id)
    assert not item.rotation, "plant faults in items every visit gets"
    return item


def simulate(
    bank: Bank, seed: int = 7, french_dif: float = 2.0
) -> list[tuple[str, dict[str, str], Session]]:
    """Visits along the real path: ticks and answers both rise with ability."""
    rng = random.Random(seed)
    difficulty = {
        item.id: rng.uniform(-1.6, -0.4) if item.band == "basic" else rng.uniform(-0.4, 0.8)
        for item in bank.items
    }
    hardness = {a.id: rng.uniform(-1.5, 1.5) for a in bank.survey.activities}
    visits = []
    for _ in range(VISITS):
        language = rng.choices(["nl", "fr", "en"], weights=[45, 45, 10])[0]
        ability = rng.gauss(0, 1.2)
        session = Session(bank, rng=rng)
        while not session.finished:
            step = session.current
            if step.kind == FILTER:
                session = session.answer("yes")
                continue
            if step.kind == ACTIVITIES:
                activities = session.activities(step.area)
                session = session.tick(
                    a.id
                    for a in activities
                    if rng.random() < 1 / (1 + math.exp(-1.8 * (ability - hardness[a.id])))
                )
                continue
            item = step.item
            if item.id == ZERO_DISCRIMINATION:
                p = 0.5
            else:
                extra = french_dif if item.id == FRENCH_DIF and language == "fr" else 0
                p = 1 / (1 + math.exp(-2.5 * (ability - difficulty[item.id] - extra)))
            session = session.answer(answer_code(item, rng.random() < p, rng))
        visits.append((language, dict(session.answers), session))
    return visits


def answer_code(item: Item, mastered: bool, rng: random.Random) -> str:
    if item.kind == "can_do":
        return rng.choice(["2", "3"] if mastered else ["0", "1"])
    if mastered:
        return next(o.code for o in item.options if o.correct)
    return rng.choice([o.code for o in item.options if not o.correct] + [DONT_KNOW])


@pytest.fixture(scope="module")
def generated(bank: Bank, tmp_path_factory) -> tuple[Path, list[tuple[str, dict[str, str]]]]:
    """The generated database (built once per run, read by every worker) and its
    visits as (language, answers)."""
    folder = built_once(tmp_path_factory, "item-statistics", lambda into: generate(bank, into))
    visits = json.loads((folder / "visits.json").read_text())
    return folder / "sessions.db", [(language, answers) for language, answers in visits]


def generate(bank: Bank, folder: Path) -> None:
    """sessions.db: the simulated visits saved as the kiosk saves them; visits.json:
    each visit's language and answers."""
    path = folder / "sessions.db"
    db = open_database(path)
    db.execute("PRAGMA synchronous = OFF")  # a test database: speed over durability
    visits = simulate(bank)
    for number, (language, answers, session) in enumerate(visits):
        result = session.result()
        save_session(
            db,
            SessionRecord(
                id=uuid.UUID(int=random.Random(number).getrandbits(128)).hex,
                day=f"2026-03-{1 + number % 28:02d}",
                site="Bib",
                terminal="t1",
                region="flanders",
                language=language,
                status="completed",
                items_answered=len(answers),
                category=result.category,
                bank_version=bank.version,
                scoring_version=SCORING_VERSION,
                levels=dict(result.levels),
                answers=answers,
            ),
        )
    # an abandoned visit and a visit of another bank version are not read
    save_session(
        db,
        SessionRecord(
            id="f" * 32,
            day="2026-03-02",
            site="Bib",
            terminal="t1",
            region="flanders",
            language="nl",
            status="abandoned",
            items_answered=3,
            category=None,
            bank_version=bank.version,
            scoring_version=SCORING_VERSION,
        ),
    )
    db.close()
    visits_file = folder / "visits.json"
    visits_file.write_text(json.dumps([[language, answers] for language, answers, _ in visits]))


def test_both_planted_items_are_flagged_and_nothing_else(bank: Bank, generated) -> None:
    path, _ = generated
    not_rotating(bank, ZERO_DISCRIMINATION)
    not_rotating(bank, FRENCH_DIF)
    report = item_report(bank, read_visits(path, bank.version))
    assert sum(report.visits.values()) == VISITS

    low = {f.item_id: f.item_rest for f in report.low_discrimination}
    assert set(low) == {ZERO_DISCRIMINATION}, low
    assert abs(low[ZERO_DISCRIMINATION]) < 0.1
    others = [f.item_rest for f in report.items if f.language is None and f.item_id not in low]
    assert min(r for r in others if r is not None) > LOW_ITEM_REST

    flags = {(d.item_id, d.language, d.other) for d in report.language_flags}
    assert flags == {(FRENCH_DIF, "fr", "nl"), (FRENCH_DIF, "fr", "en")}, flags
    french = next(d for d in report.language_flags if d.other == "nl")
    assert french.points < -DIF_POINTS
    # without matching the flag would also be there; nl and en do not differ
    nl_en = next(
        d
        for d in report.differences
        if d.item_id == FRENCH_DIF and {d.language, d.other} == {"nl", "en"}
    )
    assert abs(nl_en.points) < DIF_POINTS


def test_figures_agree_with_a_direct_computation(bank: Bank, generated) -> None:
    path, visits = generated
    report = item_report(bank, read_visits(path, bank.version))
    figures = {(f.item_id, f.language): f for f in report.items}
    item = bank.item("safety-fake-bpost-sms")
    activities = [a.id for a in bank.survey.activities]
    xs, ys, fr = [], [], 0
    for language, answers in visits:
        if item.id not in answers:
            continue
        mastered = int(item.is_mastered(answers[item.id]))
        rest = sum(answers.get(a) == "1" for a in activities)  # every activity ticked
        xs.append(mastered)
        ys.append(rest)
        fr += language == "fr"
    overall = figures[(item.id, None)]
    assert overall.answers == len(xs) > 100  # asked of people above basic in safety
    assert overall.mastered == pytest.approx(sum(xs) / len(xs))
    assert overall.item_rest == pytest.approx(statistics.correlation(xs, ys))
    assert figures[(item.id, "fr")].answers == fr
    assert sum(overall.choices.values()) == overall.answers
    assert overall.dont_know == pytest.approx(overall.choices.get(DONT_KNOW, 0) / overall.answers)


def cronbach(rows: list[list[int]]) -> float:
    k = len(rows[0])
    items = [statistics.pvariance([r[i] for r in rows]) for i in range(k)]
    return k / (k - 1) * (1 - sum(items) / statistics.pvariance([sum(r) for r in rows]))


def test_alpha_only_over_items_every_counted_visit_was_asked(bank: Bank, generated) -> None:
    """The path is adaptive: an alpha counts only visits asked exactly its items."""
    path, visits = generated
    report = item_report(bank, read_visits(path, bank.version))
    measured = [a for a in report.areas if a.complete_cases]
    assert {a.area for a in measured} == {1, 2, 3, 4, 5}
    for consistency in measured:
        rows = [
            [int(bank.item(i).is_mastered(answers[i])) for i in consistency.items]
            for _, answers in visits
            if {i.id for i in bank.items_in(consistency.area)} & set(answers)
            == set(consistency.items)
        ]
        assert consistency.complete_cases == len(rows)
        if consistency.alpha is not None:
            assert consistency.alpha == pytest.approx(cronbach(rows))
        # and every counted visit was asked every one of its items
        assert all(len(r) == len(consistency.items) for r in rows)


def test_no_language_flag_without_planted_dif(bank: Bank) -> None:
    """Mantel-Haenszel with its significance test and ETS class C: on visits with no
    language difference planted, nothing is flagged (the old 15-point rule raised 4)."""
    for seed in (11, 12):
        visits = [Visit(language, answers) for language, answers, _ in simulate(bank, seed, 0.0)]
        report = item_report(bank, visits)
        assert report.language_flags == (), report.language_flags


def test_mantel_haenszel_matches_a_direct_computation() -> None:
    """Two strata, numbers worked by hand: odds ratio, delta, chi-square, class."""
    from scipy.stats import chi2

    from skillcheck.item_statistics import _mantel_haenszel

    # stratum: [answered, mastered] per language
    cells = {"fr": {0: [100, 30], 1: [100, 60]}, "nl": {0: [100, 60], 1: [100, 85]}}
    d = _mantel_haenszel("x", "fr", "nl", cells)
    # A, B, C, D per stratum (fr mastered, fr not, nl mastered, nl not), N = 200
    tables = [(30, 70, 60, 40), (60, 40, 85, 15)]
    r = sum(a * dd / 200 for a, b, c, dd in tables)
    s_ = sum(b * c / 200 for a, b, c, dd in tables)
    assert d.language == "fr" and d.delta == pytest.approx(-2.35 * math.log(r / s_))
    expected = sum(100 * (a + c) / 200 for a, b, c, dd in tables)
    variance = sum(100 * 100 * (a + c) * (b + dd) / (200 * 200 * 199) for a, b, c, dd in tables)
    statistic = (abs(90 - expected) - 0.5) ** 2 / variance
    assert d.p_value == pytest.approx(chi2.sf(statistic, 1))
    assert d.ets_class == "C" and d.flagged


def test_period_filter_and_another_bank_version(bank: Bank, generated) -> None:
    path, _ = generated
    one_day = item_report(bank, read_visits(path, bank.version, "2026-03-05", "2026-03-05"))
    assert 0 < sum(one_day.visits.values()) < VISITS
    assert sum(item_report(bank, read_visits(path, "1999.1")).visits.values()) == 0


def test_the_database_is_only_read(bank: Bank, generated) -> None:
    path, _ = generated
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    path.chmod(0o444)
    try:
        list(read_visits(path, bank.version))
        result = CliRunner().invoke(cli, ["items", "--db", str(path)])
        assert result.exit_code == 0, result.output
    finally:
        path.chmod(0o644)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_cli_prints_the_flags_in_the_terminal(bank: Bank, generated, tmp_path) -> None:
    path, _ = generated
    files_before = set(tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["items", "--db", str(path)], terminal_width=200)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # rich wraps at the terminal's width
    assert f"Bank {bank.version} · … … " in out and f"Completed visits {VISITS:,}" in out
    assert f"{ZERO_DISCRIMINATION}: item-rest" in out
    assert f"{FRENCH_DIF}: fr " in out and "points below nl" in out and "class C" in out
    assert "alpha" in out and "visits asked all of" in out and "adaptive" in out
    assert set(tmp_path.iterdir()) == files_before  # terminal only, no file

    french = CliRunner().invoke(
        cli, ["items", "--db", str(path), "--lang", "fr"], terminal_width=200
    )
    assert french.exit_code == 0 and f"{FRENCH_DIF}: fr " in " ".join(french.output.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "is not a date"),
        (["--since", "2026-03-10", "--until", "2026-03-01"], "is after"),
        (["--lang", "de"], "--lang de: no completed visits"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(generated, args, message) -> None:
    path, _ = generated
    result = CliRunner().invoke(cli, ["items", "--db", str(path), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_items_read_only_closed_periods_with_enough_visits_per_language(
    generated, tmp_path
) -> None:
    """Issue 21: `items --since D --until D --lang fr` printed one visitor's answers. Now a
    window with fewer than the network's threshold of visits in a language, or reaching
    into a period that has not closed, says why and prints nothing of the answers."""
    import datetime as dt
    import shutil

    source, _ = generated
    path = tmp_path / "few.db"
    shutil.copy(source, path)
    db = open_database(path)
    keep = [r[0] for r in db.execute("SELECT id FROM sessions WHERE language = 'fr' LIMIT 3")]
    marks = ", ".join("?" * len(keep))
    others = f"SELECT id FROM sessions WHERE language = 'fr' AND id NOT IN ({marks})"
    for table in ("answers", "area_results"):
        db.execute(f"DELETE FROM {table} WHERE session_id IN ({others})", keep)
    db.execute(f"DELETE FROM sessions WHERE id IN ({others})", keep)
    db.close()
    result = CliRunner().invoke(cli, ["items", "--db", str(path), "--lang", "fr"])
    assert result.exit_code == 2
    assert "too few completed visits in this window" in result.output
    assert "fr: fewer than 10" in result.output and "nothing printed" in result.output
    assert "item-rest" not in result.output and "Area 1" not in result.output
    today = dt.date.today().isoformat()
    result = CliRunner().invoke(cli, ["items", "--db", str(path), "--until", today])
    assert result.exit_code == 2 and "closed periods only" in result.output
    assert "Area 1" not in result.output


def test_a_missing_database_is_one_line(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["items", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no such database file" in result.output
    assert not (tmp_path / "none.db").exists()


def test_item_report_from_visits_in_memory(bank: Bank) -> None:
    """The same figures without a database: the function the command uses."""
    item = bank.items_in(1, "basic")[0]
    report = item_report(bank, [Visit("nl", {item.id: "3"}), Visit("nl", {item.id: "0"})])
    overall = next(f for f in report.items if f.item_id == item.id and f.language is None)
    assert (overall.answers, overall.mastered, overall.item_rest) == (2, 0.5, None)
