"""README and docs/scoring.md say what the kiosk does: the meaning of a level in two
sentences, and the visit's longest and typical length as the Session makes them."""

from __future__ import annotations

import itertools
import random
import re
import statistics
from pathlib import Path

from skillcheck.bank import Bank
from skillcheck.digcomp import AREAS
from skillcheck.scoring import LEVEL_MEANING
from skillcheck.session import follow_ups, longest_visit

ROOT = Path(__file__).parent.parent
README = " ".join((ROOT / "README.md").read_text("utf-8").split())
SCORING = " ".join((ROOT / "docs" / "scoring.md").read_text("utf-8").split())


def test_both_say_in_two_sentences_what_a_level_means_and_what_it_does_not() -> None:
    sentences = [s for s in re.split(r"(?<=\.)\s+", LEVEL_MEANING) if s]
    assert len(sentences) == 2
    assert "last 3 months" in sentences[0] and "not" in sentences[1]
    assert LEVEL_MEANING in README
    assert LEVEL_MEANING in SCORING


def typical(bank: Bank) -> int:
    """The median path over every combination of area levels (3^5)."""
    form = bank.form(random.Random(0))
    lengths = [
        1
        + len(AREAS)
        + sum(len(follow_ups(form, a, lv)) for a, lv in zip(AREAS, combo, strict=True))
        for combo in itertools.product(("none", "basic", "above_basic"), repeat=5)
    ]
    return int(statistics.median(lengths))


def test_readme_numbers_and_minutes_match_the_longest_and_typical_path(bank: Bank) -> None:
    longest = int(re.search(r"Longest path: (\d+) steps", SCORING).group(1))
    usual = int(re.search(r"Typical path: (\d+) steps", SCORING).group(1))
    assert longest == longest_visit(bank)
    assert usual == typical(bank)
    assert re.search(rf"At most {longest} steps \(typically {usual}\), 5 to 8 minutes", README)
    assert "Minutes: 5 to 8." in SCORING
