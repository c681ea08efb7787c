"""`skillcheck check` warns when a knowledge item's right answer is its longest option."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from skillcheck.bank import Bank, load_bank
from skillcheck.i18n import discover_languages
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
from skillcheck.validation import check_all, check_cues, longest_is_keyed


def cue_warnings(questions: Path = QUESTIONS_DIR, locales: Path = LOCALES_DIR) -> list[str]:
    return [str(p) for p in check_cues(load_bank(questions), questions, locales)]


def test_the_shipped_bank_has_no_cue_in_any_language(bank: Bank) -> None:
    assert cue_warnings() == []
    report = check_all(QUESTIONS_DIR, LOCALES_DIR)
    assert not [p for p in report.problems if "longest" in p.message]
    # the check did look at every shipped language
    assert {"nl", "fr"} <= set(discover_languages(LOCALES_DIR))


def test_longest_is_keyed_only_when_strictly_longest() -> None:
    assert longest_is_keyed({"a": "xx", "b": "xxx"}, "b")
    assert not longest_is_keyed({"a": "xxx", "b": "xxx"}, "b")  # a tie is no cue
    assert not longest_is_keyed({"a": "xxxx", "b": "xxx", "c": "x"}, "b")
    rng = random.Random(10)
    for _ in range(500):
        texts = {code: "x" * rng.randint(1, 9) for code in "abcd"[: rng.randint(3, 4)]}
        keyed = rng.choice(sorted(texts))
        others = [len(t) for c, t in texts.items() if c != keyed]
        assert longest_is_keyed(texts, keyed) == all(len(texts[keyed]) > n for n in others)


def test_an_english_cue_names_the_item_in_the_bank(questions_copy: Path, bank: Bank) -> None:
    item = next(i for i in bank.items if i.kind == "knowledge")
    right = next(o.text for o in item.options if o.correct)
    path = next(p for p in (questions_copy / "items").glob("*.toml") if item.id in p.read_text())
    text = path.read_text(encoding="utf-8")
    longer = right.rstrip(".") + ", and that is all there is to it, really."
    path.write_text(text.replace(f'"{right}"', f'"{longer}"'), encoding="utf-8")
    line = next(
        n for n, row in enumerate(text.splitlines(), 1) if row.strip() == f'id = "{item.id}"'
    )
    # the copied catalogues no longer match the English, so only English can show the cue
    warnings = cue_warnings(questions_copy, LOCALES_DIR)
    assert f"{path}:{line}: warning: en: the right answer of '{item.id}'" in warnings[0]
    assert len([w for w in warnings if ": en: " in w]) == 1


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_a_translation_cue_names_the_po_line(locales_copy: Path, bank: Bank, language: str) -> None:
    item = [i for i in bank.items if i.kind == "knowledge"][-1]
    right = next(o for o in item.options if o.correct)
    path = locales_copy / language / "LC_MESSAGES" / "skillcheck.po"
    # Other languages' catalogues are not touched: what they say stays the same.
    others = [w for w in cue_warnings(QUESTIONS_DIR, locales_copy) if not w.startswith(f"{path}:")]
    with path.open("rb") as fileobj:
        catalog = read_po(fileobj)
    message = catalog.get(right.text, context=item.id)
    message.string = message.string + " " + "x" * 100
    with path.open("wb") as fileobj:
        write_po(fileobj, catalog, width=79)
    with path.open("rb") as fileobj:
        line = read_po(fileobj).get(right.text, context=item.id).lineno
    warnings = cue_warnings(QUESTIONS_DIR, locales_copy)
    assert [w for w in warnings if w not in others] == [
        f"{path}:{line}: warning: {language}: the right answer of '{item.id}' is the longest "
        "of its options (a give-away cue: shorten it or lengthen a wrong one)"
    ]


def test_a_fuzzy_or_empty_translation_is_judged_in_english(locales_copy: Path, bank: Bank) -> None:
    """The kiosk shows English for those, so the check compares the English text."""
    path = locales_copy / "fr" / "LC_MESSAGES" / "skillcheck.po"
    # Only French is changed; the other catalogues' warnings (if any) stay as they are.
    before = cue_warnings(QUESTIONS_DIR, locales_copy)
    assert not [w for w in before if ": fr: " in w]
    with path.open("rb") as fileobj:
        catalog = read_po(fileobj)
    for item in bank.items:
        for option in item.options:
            message = catalog.get(option.text, context=item.id)
            if option.correct:
                message.string = "x" * 200
                message.flags.add("fuzzy")  # a long but unchecked text: not shown
            else:
                message.string = ""  # shown in English
    with path.open("wb") as fileobj:
        write_po(fileobj, catalog, width=79)
    assert cue_warnings(QUESTIONS_DIR, locales_copy) == before
