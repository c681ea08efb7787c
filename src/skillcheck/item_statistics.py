"""Item statistics for test designers: how each question of the bank behaves.

`skillcheck items` prints these figures; docs/content.md says how to read them.
Everything is computed from completed visits of one bank version, in one pass
over the database, session by session, with running sums only (memory does not
grow with the number of visits). Plain Python: no textual, no third-party maths.

* per item (all languages together, and per language): answers, share mastered,
  the "I don't know" rate of a knowledge check, the item–rest correlation (the
  item's mastered 0/1 against the number of the area's other answered items the
  person mastered) and how often each answer was chosen;
* per area and variant set (the area's items one visit was asked, one variant per
  rotating slot): Cronbach's alpha on complete cases (people who answered every
  item of the set, so who reached the above-basic items), with their count;
* per item and pair of languages: the difference in share mastered at equal basic
  score of the area (Mantel–Haenszel weights over the strata of that score), a
  first differential-item-functioning flag.
"""

from __future__ import annotations

import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from skillcheck.bank import DONT_KNOW, Bank, Item
from skillcheck.digcomp import AREAS

# Below this item–rest correlation an item barely separates people who master the
# rest of the area from those who do not (a common rule of thumb in test design).
LOW_ITEM_REST = 0.20
# A language difference above this many points (share mastered, at equal area
# score) is flagged.
DIF_POINTS = 15.0
# Flags need enough answers to mean anything: per item, and per language of a pair.
MIN_ANSWERS = 30


@dataclass(frozen=True)
class Visit:
    """One completed visit as the statistics see it: its language and its answers."""

    language: str
    answers: Mapping[str, str]  # item id -> answer code


@dataclass(frozen=True)
class ItemFigures:
    """How one item was answered, in one language or (language None) in all."""

    item_id: str
    language: str | None
    answers: int
    mastered: float | None  # share 0..1
    dont_know: float | None  # share of "I don't know" (knowledge checks only)
    item_rest: float | None  # Pearson r; None when either side does not vary
    choices: Mapping[str, int]  # answer code -> how many chose it


@dataclass(frozen=True)
class AreaConsistency:
    """Cronbach's alpha of one area for one variant set, on complete cases."""

    area: int
    items: tuple[str, ...]
    complete_cases: int
    alpha: float | None  # None with fewer than 2 cases or no variance


@dataclass(frozen=True)
class LanguageDifference:
    """Share mastered in `language` minus in `other`, at equal basic score of the area."""

    item_id: str
    language: str
    other: str
    points: float  # Mantel–Haenszel weighted difference, in percentage points
    answers: tuple[int, int]  # people of each language in the strata compared

    @property
    def flagged(self) -> bool:
        """Large enough to look at, with enough answers in both languages."""
        return abs(self.points) > DIF_POINTS and min(self.answers) >= MIN_ANSWERS


@dataclass(frozen=True)
class ItemReport:
    """Everything `skillcheck items` prints."""

    bank_version: str
    visits: Mapping[str, int]  # language -> completed visits
    items: tuple[ItemFigures, ...]
    areas: tuple[AreaConsistency, ...]
    differences: tuple[LanguageDifference, ...]

    @property
    def low_discrimination(self) -> tuple[ItemFigures, ...]:
        """Items (all languages) whose item–rest correlation is below LOW_ITEM_REST."""
        return tuple(
            f
            for f in self.items
            if f.language is None
            and f.answers >= MIN_ANSWERS
            and (f.item_rest is None or f.item_rest < LOW_ITEM_REST)
        )

    @property
    def language_flags(self) -> tuple[LanguageDifference, ...]:
        """The language differences above DIF_POINTS with enough answers."""
        return tuple(d for d in self.differences if d.flagged)


# --- reading the database ---------------------------------------------------


def read_visits(
    database: Path,
    bank_version: str,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[Visit]:
    """Completed visits of one bank version, one at a time; the database is only read.

    Opened through SQLite's read-only URI (`mode=ro`): nothing is written, not even
    a journal, so a database that another process is using is safe to read.
    """
    path = Path(database)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such database file")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        where = ["s.status = 'completed'", "s.bank_version = ?"]
        params: list[str] = [bank_version]
        if since:
            where.append("s.day >= ?")
            params.append(since)
        if until:
            where.append("s.day <= ?")
            params.append(until)
        rows = connection.execute(
            "SELECT s.id, s.language, a.item_id, a.answer FROM sessions AS s "
            "JOIN answers AS a ON a.session_id = s.id "
            f"WHERE {' AND '.join(where)} ORDER BY s.id",
            params,
        )
        current: str | None = None
        language = ""
        answers: dict[str, str] = {}
        for session_id, row_language, item_id, code in rows:
            if session_id != current:
                if current is not None:
                    yield Visit(language, answers)
                current, language, answers = session_id, row_language, {}
            answers[item_id] = code
        if current is not None:
            yield Visit(language, answers)
    finally:
        connection.close()


# --- running sums -----------------------------------------------------------


@dataclass
class _Pearson:
    """Running sums for a Pearson correlation."""

    n: int = 0
    x: float = 0.0
    y: float = 0.0
    xx: float = 0.0
    yy: float = 0.0
    xy: float = 0.0

    def add(self, x: float, y: float) -> None:
        self.n += 1
        self.x += x
        self.y += y
        self.xx += x * x
        self.yy += y * y
        self.xy += x * y

    def r(self) -> float | None:
        if self.n < 2:
            return None
        sxx = self.xx - self.x * self.x / self.n
        syy = self.yy - self.y * self.y / self.n
        if sxx <= 1e-12 or syy <= 1e-12:
            return None
        return (self.xy - self.x * self.y / self.n) / math.sqrt(sxx * syy)


@dataclass
class _ItemSums:
    answers: int = 0
    mastered: int = 0
    choices: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rest: _Pearson = field(default_factory=_Pearson)


@dataclass
class _AlphaSums:
    """Running sums for Cronbach's alpha over k items."""

    k: int
    n: int = 0
    item: list[float] = field(default_factory=list)
    item_sq: list[float] = field(default_factory=list)
    total: float = 0.0
    total_sq: float = 0.0

    def __post_init__(self) -> None:
        self.item = [0.0] * self.k
        self.item_sq = [0.0] * self.k

    def add(self, scores: list[int]) -> None:
        self.n += 1
        for index, score in enumerate(scores):
            self.item[index] += score
            self.item_sq[index] += score * score
        total = sum(scores)
        self.total += total
        self.total_sq += total * total

    def alpha(self) -> float | None:
        if self.n < 2 or self.k < 2:
            return None

        def variance(s: float, sq: float) -> float:
            return sq / self.n - (s / self.n) ** 2

        total_variance = variance(self.total, self.total_sq)
        if total_variance <= 1e-12:
            return None
        items = sum(variance(s, sq) for s, sq in zip(self.item, self.item_sq, strict=True))
        return self.k / (self.k - 1) * (1 - items / total_variance)


def _complete_sets(bank: Bank, area: int) -> Iterable[tuple[Item, ...]]:
    """Every variant set of an area: the fixed items plus one variant per rotating slot."""
    fixed = [i for i in bank.items_in(area) if not getattr(i, "rotation", None)]
    slots: dict[str, list[Item]] = defaultdict(list)
    for item in bank.items_in(area):
        slot = getattr(item, "rotation", None)
        if slot:
            slots[slot].append(item)
    sets: list[list[Item]] = [fixed]
    for variants in slots.values():
        sets = [chosen + [variant] for chosen in sets for variant in variants]
    order = {item.id: n for n, item in enumerate(bank.items)}
    return [tuple(sorted(s, key=lambda i: order[i.id])) for s in sets]


def item_report(bank: Bank, visits: Iterable[Visit]) -> ItemReport:
    """The figures of every item of `bank` from completed visits (read once, in order)."""
    by_area = {area: bank.items_in(area) for area in AREAS}
    basic_of = {area: [i for i in items if i.band == "basic"] for area, items in by_area.items()}
    sets = {
        area: {frozenset(i.id for i in s): s for s in _complete_sets(bank, area)} for area in AREAS
    }
    sums: dict[tuple[str, str | None], _ItemSums] = defaultdict(_ItemSums)
    alphas: dict[tuple[int, tuple[str, ...]], _AlphaSums] = {}
    # item -> language -> basic score of the area -> [answered, mastered]
    strata: dict[str, dict[str, dict[int, list[int]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(lambda: [0, 0]))
    )
    counts: dict[str, int] = defaultdict(int)

    for visit in visits:
        counts[visit.language] += 1
        for area, items in by_area.items():
            asked = [i for i in items if i.id in visit.answers]
            if not asked:
                continue
            scores = {i.id: int(i.is_mastered(visit.answers[i.id])) for i in asked}
            area_total = sum(scores.values())
            basic_score = sum(scores.get(i.id, 0) for i in basic_of[area])
            for item in asked:
                code = visit.answers[item.id]
                score = scores[item.id]
                rest = area_total - score
                for language in (None, visit.language):
                    s = sums[(item.id, language)]
                    s.answers += 1
                    s.mastered += score
                    s.choices[code] += 1
                    if len(asked) > 1:
                        s.rest.add(score, rest)
                cell = strata[item.id][visit.language][basic_score]
                cell[0] += 1
                cell[1] += score
            chosen = sets[area].get(frozenset(scores))
            if chosen is not None:
                key = (area, tuple(i.id for i in chosen))
                if key not in alphas:
                    alphas[key] = _AlphaSums(k=len(chosen))
                alphas[key].add([scores[i.id] for i in chosen])

    languages = sorted(counts)
    figures = []
    for item in bank.items:
        for language in (None, *languages):
            s = sums.get((item.id, language))
            if s is None or s.answers == 0:
                continue
            dont_know = (
                s.choices.get(DONT_KNOW, 0) / s.answers if item.kind == "knowledge" else None
            )
            figures.append(
                ItemFigures(
                    item_id=item.id,
                    language=language,
                    answers=s.answers,
                    mastered=s.mastered / s.answers,
                    dont_know=dont_know,
                    item_rest=s.rest.r(),
                    choices=dict(s.choices),
                )
            )
    areas = []
    for area in AREAS:
        for chosen in _complete_sets(bank, area):
            key = (area, tuple(i.id for i in chosen))
            a = alphas.get(key)
            areas.append(
                AreaConsistency(
                    area=area,
                    items=key[1],
                    complete_cases=a.n if a else 0,
                    alpha=a.alpha() if a else None,
                )
            )
    differences = []
    for item in bank.items:
        by_language = strata.get(item.id, {})
        for first, second in combinations(sorted(by_language), 2):
            difference = _mantel_haenszel(item.id, first, second, by_language)
            if difference is not None:
                differences.append(difference)
    return ItemReport(
        bank_version=bank.version,
        visits=dict(sorted(counts.items())),
        items=tuple(figures),
        areas=tuple(areas),
        differences=tuple(differences),
    )


def _mantel_haenszel(
    item_id: str, first: str, second: str, cells: Mapping[str, Mapping[int, list[int]]]
) -> LanguageDifference | None:
    """The Mantel–Haenszel weighted difference in share mastered between two languages.

    Weights n1·n2/(n1+n2) per stratum of the basic score; strata where one
    language has nobody are left out (nothing to compare there).
    """
    weighted = weights = 0.0
    people = [0, 0]
    for score in set(cells[first]) & set(cells[second]):
        n1, m1 = cells[first][score]
        n2, m2 = cells[second][score]
        if n1 == 0 or n2 == 0:
            continue
        weight = n1 * n2 / (n1 + n2)
        weighted += weight * (m1 / n1 - m2 / n2)
        weights += weight
        people[0] += n1
        people[1] += n2
    if weights == 0:
        return None
    points = 100 * weighted / weights
    # Report from the side of the language that masters it less, so a flag reads
    # "fr: 38 points below nl".
    if points > 0:
        first, second, points, people = second, first, -points, people[::-1]
    return LanguageDifference(
        item_id=item_id,
        language=first,
        other=second,
        points=points,
        answers=(people[0], people[1]),
    )
