"""The catalogue loads, and recommend() ranks level, region, language, weak areas."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcheck.i18n import Translator
from skillcheck.initiatives import (
    Initiative,
    check_initiatives,
    initiative_text,
    load_help_desk,
    load_initiatives,
    person_level,
    recommend,
)
from skillcheck.paths import QUESTIONS_DIR
from skillcheck.scoring import weakest_areas

CATALOGUE_PATH = QUESTIONS_DIR / "initiatives.toml"


def levels(*values: str) -> dict[int, str]:
    return dict(enumerate(values, start=1))


BEGINNER = levels("none", "none", "none", "none", "none")
BASIC = levels("basic", "basic", "none", "basic", "basic")  # low: 4 of 5
EXPERT = levels(*["above_basic"] * 5)


@pytest.fixture(scope="module")
def catalogue() -> tuple[Initiative, ...]:
    return load_initiatives(CATALOGUE_PATH)


@pytest.fixture(scope="module")
def help_desk() -> Initiative:
    return load_help_desk(CATALOGUE_PATH)


def test_catalogue_holds_the_named_initiatives(catalogue) -> None:
    names = " ".join(i.name for i in catalogue)
    for name in ("BeCentral", "BeCode", "Interface3", "MolenGeek", "Studio Digital", "Digitaal"):
        assert name in names
    for region in ("brussels", "flanders", "wallonia"):
        assert any(i.region == region and "none" in i.levels for i in catalogue), region


def test_person_level() -> None:
    assert person_level(BEGINNER) == "none"
    assert person_level(BASIC) == "basic"
    assert person_level(levels("basic", "none", "none", "basic", "basic")) == "none"
    assert person_level(EXPERT) == "above_basic"


@pytest.mark.parametrize("region", ["brussels", "flanders", "wallonia"])
@pytest.mark.parametrize("person", [BEGINNER, BASIC, EXPERT])
def test_recommendations_fit_level_and_region_and_end_with_the_help_desk(
    catalogue, help_desk, region, person
) -> None:
    chosen = recommend(catalogue, person, region, "fr", help_desk)
    assert 1 <= len(chosen) <= 3
    assert chosen[-1] is help_desk
    wanted = person_level(person)
    for initiative in chosen[:-1]:
        assert initiative.region in (region, "national")
        assert wanted in initiative.levels
    # deterministic
    assert chosen == recommend(catalogue, person, region, "fr", help_desk)


def test_beginner_in_brussels_is_sent_to_becentral(catalogue, help_desk) -> None:
    chosen = recommend(catalogue, BEGINNER, "brussels", "nl", help_desk)
    assert chosen[0].id == "becentral"


def test_expert_is_not_sent_to_a_beginners_course(catalogue, help_desk) -> None:
    chosen = recommend(catalogue, EXPERT, "wallonia", "fr", help_desk)
    assert all("above_basic" in i.levels for i in chosen[:-1])


def make(id_: str, **kw) -> Initiative:
    return Initiative(id=id_, name=kw.pop("name", id_), offer="x", **kw)


def test_ranking_language_then_weak_areas_then_own_region() -> None:
    weak_safety = levels("basic", "basic", "basic", "none", "basic")
    catalogue = [
        make("national-fr-safety", region="national", languages=("fr",), areas=(4,)),
        make("local-nl-safety", region="flanders", languages=("nl",), areas=(4,)),
        make("local-fr-safety", region="flanders", languages=("fr",), areas=(4,)),
        make("local-fr-other", region="flanders", languages=("fr",), areas=(1,)),
        make("far-away", region="wallonia", languages=("fr",), areas=(4,)),
    ]
    chosen = recommend(catalogue, weak_safety, "flanders", "fr", limit=5)
    assert [i.id for i in chosen] == ["local-fr-safety", "national-fr-safety", "local-fr-other"]


def test_another_language_only_when_nothing_speaks_the_visits() -> None:
    catalogue = [make("nl-only", region="flanders", languages=("nl",))]
    assert [i.id for i in recommend(catalogue, BEGINNER, "flanders", "en")] == ["nl-only"]
    catalogue.append(make("en-too", region="national", languages=("nl", "en")))
    assert [i.id for i in recommend(catalogue, BEGINNER, "flanders", "en")] == ["en-too"]


def test_another_level_or_region_is_never_shown() -> None:
    catalogue = [
        make("coding-next-door", region="wallonia", levels=("above_basic",)),
        make("beginners-in-brussels", region="brussels", levels=("none",)),
    ]
    desk = make("desk")
    assert recommend(catalogue, BEGINNER, "wallonia", "fr", desk) == [desk]
    assert recommend(catalogue, BEGINNER, "wallonia", "fr") == []


def test_always_at_least_one_result_with_the_help_desk() -> None:
    desk = make("desk")
    assert recommend([], BEGINNER, "brussels", "nl", desk) == [desk]


@pytest.mark.parametrize("region", ["brussels", "flanders", "wallonia", "unknown"])
@pytest.mark.parametrize("language", ["en", "nl", "fr"])
@pytest.mark.parametrize("person", [BEGINNER, BASIC, EXPERT], ids=["none", "basic", "above"])
def test_every_region_language_and_level(catalogue, help_desk, region, language, person) -> None:
    """The shipped catalogue: the rule of docs/scoring.md, checked against all of it."""
    chosen = recommend(catalogue, person, region, language, help_desk)
    assert chosen[-1] is help_desk and 1 <= len(chosen) <= 3
    wanted = person_level(person)
    fitting = [i for i in catalogue if wanted in i.levels and i.region in (region, "national")]
    speaking = [i for i in fitting if language in i.languages]
    places = chosen[:-1]
    assert all(i in fitting for i in places)
    assert len(places) == min(2, len(speaking or fitting))
    if speaking:
        assert all(language in i.languages for i in places), [i.id for i in places]
    # nothing better left out: no unshown place of the same pool ranks above a shown one
    weak = set(weakest_areas(person))
    pool = speaking or fitting
    for shown in places:
        for other in pool:
            if other not in places:
                assert len(weak & set(other.areas)) <= len(weak & set(shown.areas))


def test_site_texts_per_language_and_catalogue_texts_through_the_translator(help_desk) -> None:
    site = Initiative(
        id="site-class",
        name="Computerklas",
        offer="Computer class",
        local_texts={"offer": {"nl": "Computerles", "fr": "Cours d'informatique"}},
    )
    assert initiative_text(site, "offer", Translator("fr")) == "Cours d'informatique"
    assert initiative_text(site, "name", Translator("fr")) == "Computerklas"
    assert initiative_text(help_desk, "name", Translator("en")) == "Ask the staff here"


def test_broken_catalogue_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "initiatives.toml"
    path.write_text(
        '[[initiatives]]\nid = "a"\nname = "A"\noffer = "x"\nlevels = ["expert"]\n'
        'region = "mars"\n\n[help_desk]\nname = "Desk"\noffer = "y"\n'
    )
    _, problems = check_initiatives(path)
    messages = [str(p) for p in problems]
    assert f"{path}:5: initiative 'a': unknown level 'expert' (use none, basic, above_basic)" in (
        messages
    )
    assert any(m.startswith(f"{path}:6:") and "unknown region 'mars'" in m for m in messages)
