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
    database: Path | str,
    bank_version: str,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[Visit]:
    """Completed visits of one bank version, one at a time; the database is only read.

    An SQLite file is opened by the one opener, read-only (`store.open_database`):
    nothing is written, read-only media work as for `stats`, and a file that is not a
    current skillcheck database (a newer schema, another program's) is refused with
    StoreError, before any figure is computed. A central database's URL
    (postgresql://…) is read in one read-only snapshot (central.CentralReader), with a
    login of the analyst role.
    """
    from skillcheck.central import CentralReader, is_central
    from skillcheck.store import open_database

    if is_central(database):
        connection = CentralReader(str(database))
    else:
        connection = open_database(Path(database), read_only=True).conn
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
# Plain lists updated in the one loop over visits: a million visits stay a few
# minutes and a few MiB. Sums are kept per item and language; "all languages" is
# their sum (every figure here is built from sums, so they add up).

# _ItemSums indexes: answers, mastered, and for the item–rest correlation (only
# when the area had another answered item): n, Σx, Σy, Σy², Σxy (x is 0/1, so Σx² = Σx).
_ANSWERS, _MASTERED, _N, _X, _Y, _YY, _XY = range(7)


def _pearson(n: float, x: float, y: float, yy: float, xy: float) -> float | None:
    """Pearson r of a 0/1 variable x and y from running sums; None if either is constant."""
    if n < 2:
        return None
    sxx = x - x * x / n
    syy = yy - y * y / n
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return (xy - x * y / n) / math.sqrt(sxx * syy)


@dataclass
class _AlphaSums:
    """Running sums for Cronbach's alpha over k items scored 0/1."""

    k: int
    n: int = 0
    item: list[int] = field(default_factory=list)
    total: int = 0
    total_sq: int = 0

    def __post_init__(self) -> None:
        self.item = [0] * self.k

    def add(self, scores: list[int]) -> None:
        self.n += 1
        item = self.item
        for index, score in enumerate(scores):
            item[index] += score
        total = sum(scores)
        self.total += total
        self.total_sq += total * total

    def alpha(self) -> float | None:
        if self.n < 2 or self.k < 2:
            return None
        n = self.n
        total_variance = self.total_sq / n - (self.total / n) ** 2
        if total_variance <= 1e-12:
            return None
        # a 0/1 item's variance is p(1 - p)
        items = sum((s / n) * (1 - s / n) for s in self.item)
        return self.k / (self.k - 1) * (1 - items / total_variance)


def _complete_sets(bank: Bank, area: int) -> list[tuple[Item, ...]]:
    """Every variant set of an area: the fixed items plus one variant per rotating slot."""
    fixed = [i for i in bank.items_in(area) if not i.rotation]
    slots: dict[str, list[Item]] = defaultdict(list)
    for item in bank.items_in(area):
        slot = item.rotation
        if slot:
            slots[slot].append(item)
    sets: list[list[Item]] = [fixed]
    for variants in slots.values():
        sets = [chosen + [variant] for chosen in sets for variant in variants]
    order = {item.id: n for n, item in enumerate(bank.items)}
    return [tuple(sorted(s, key=lambda i: order[i.id])) for s in sets]


def item_report(bank: Bank, visits: Iterable[Visit]) -> ItemReport:
    """The figures of every item of `bank` from completed visits (read once, in order)."""
    area_ids = {area: [i.id for i in bank.items_in(area)] for area in AREAS}
    basic_ids = {area: [i.id for i in bank.items_in(area, "basic")] for area in AREAS}
    masters = {
        i.id: frozenset(a.code for a in i.answers if i.is_mastered(a.code)) for i in bank.items
    }
    sets = {
        area: {
            frozenset(i.id for i in s): tuple(i.id for i in s) for s in _complete_sets(bank, area)
        }
        for area in AREAS
    }
    sums: dict[tuple[str, str], list[float]] = {}
    choices: dict[tuple[str, str, str], int] = defaultdict(int)
    alphas: dict[tuple[int, tuple[str, ...]], _AlphaSums] = {}
    # (item, language, basic score of the area) -> [answered, mastered]
    strata: dict[tuple[str, str, int], list[int]] = {}
    counts: dict[str, int] = defaultdict(int)

    for visit in visits:
        language = visit.language
        answers = visit.answers
        counts[language] += 1
        for area in AREAS:
            scores = {
                item_id: int(answers[item_id] in masters[item_id])
                for item_id in area_ids[area]
                if item_id in answers
            }
            if not scores:
                continue
            total = sum(scores.values())
            basic_score = sum(scores.get(item_id, 0) for item_id in basic_ids[area])
            with_rest = len(scores) > 1
            for item_id, x in scores.items():
                s = sums.get((item_id, language))
                if s is None:
                    s = sums[(item_id, language)] = [0] * 7
                s[_ANSWERS] += 1
                s[_MASTERED] += x
                if with_rest:
                    y = total - x
                    s[_N] += 1
                    s[_X] += x
                    s[_Y] += y
                    s[_YY] += y * y
                    s[_XY] += x * y
                choices[(item_id, language, answers[item_id])] += 1
                cell = strata.get((item_id, language, basic_score))
                if cell is None:
                    cell = strata[(item_id, language, basic_score)] = [0, 0]
                cell[0] += 1
                cell[1] += x
            chosen = sets[area].get(frozenset(scores))
            if chosen is not None:
                key = (area, chosen)
                if key not in alphas:
                    alphas[key] = _AlphaSums(k=len(chosen))
                alphas[key].add([scores[item_id] for item_id in chosen])

    languages = sorted(counts)
    figures = []
    for item in bank.items:
        per_language = {
            lang: sums[(item.id, lang)] for lang in languages if (item.id, lang) in sums
        }
        if not per_language:
            continue
        together = [sum(column) for column in zip(*per_language.values(), strict=True)]
        for language, s in ((None, together), *per_language.items()):
            wanted = languages if language is None else [language]
            chosen_codes: dict[str, int] = defaultdict(int)
            for (item_id, lang, code), count in choices.items():
                if item_id == item.id and lang in wanted:
                    chosen_codes[code] += count
            answered = s[_ANSWERS]
            figures.append(
                ItemFigures(
                    item_id=item.id,
                    language=language,
                    answers=answered,
                    mastered=s[_MASTERED] / answered,
                    dont_know=(
                        chosen_codes.get(DONT_KNOW, 0) / answered
                        if item.kind == "knowledge"
                        else None
                    ),
                    item_rest=_pearson(s[_N], s[_X], s[_Y], s[_YY], s[_XY]),
                    choices=dict(chosen_codes),
                )
            )
    areas = []
    for area in AREAS:
        for chosen_items in _complete_sets(bank, area):
            key = (area, tuple(i.id for i in chosen_items))
            a = alphas.get(key)
            areas.append(
                AreaConsistency(
                    area=area,
                    items=key[1],
                    complete_cases=a.n if a else 0,
                    alpha=a.alpha() if a else None,
                )
            )
    by_item: dict[str, dict[str, dict[int, list[int]]]] = defaultdict(lambda: defaultdict(dict))
    for (item_id, language, score), cell in strata.items():
        by_item[item_id][language][score] = cell
    differences = []
    for item in bank.items:
        cells = by_item.get(item.id, {})
        for first, second in combinations(sorted(cells), 2):
            difference = _mantel_haenszel(item.id, first, second, cells)
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
