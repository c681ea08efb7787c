"""The catalogue loads, and recommend() ranks level, region, language, weak areas."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillcheck.i18n import Translator, language_name
from skillcheck.initiatives import (
    Initiative,
    check_initiatives,
    initiative_text,
    load_help_desk,
    load_initiatives,
    person_level,
    place_lines,
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


def test_ranking_nearby_in_the_language_then_weak_areas_then_own_region() -> None:
    weak_safety = levels("basic", "basic", "basic", "none", "basic")
    catalogue = [
        make("national-fr-safety", region="national", languages=("fr",), areas=(4,)),
        make("online-fr-safety", region="flanders", languages=("fr",), areas=(4,), mode="online"),
        make("local-nl-safety", region="flanders", languages=("nl",), areas=(4,)),
        make("local-fr-safety", region="flanders", languages=("fr",), areas=(4,)),
        make("local-fr-other", region="flanders", languages=("fr",), areas=(1,)),
        make("far-away", region="wallonia", languages=("fr",), areas=(4,)),
    ]
    chosen = recommend(catalogue, weak_safety, "flanders", "fr", limit=5)
    # in-person places nearby first (even one training none of the weak areas), then
    # the others in the visit's language; never another language, region or level.
    assert [i.id for i in chosen] == [
        "local-fr-safety",
        "local-fr-other",
        "online-fr-safety",
        "national-fr-safety",
    ]


def test_an_in_person_place_nearby_never_gives_way_to_a_national_online_one() -> None:
    """The issue's Namur case: one national online entry in French used to hide every
    French-speaking place nearby."""
    catalogue = [
        make(
            "national-online", region="national", languages=("fr", "de"), mode="online", areas=(4,)
        ),
        make("epn", region="wallonia", languages=("fr",), areas=(1,)),
    ]
    weak_safety = levels("none", "none", "none", "none", "none")
    desk = make("desk")
    chosen = recommend(catalogue, weak_safety, "wallonia", "fr", desk, limit=2)
    assert [i.id for i in chosen] == ["epn", "desk"]


def test_another_language_only_when_nothing_nearby_speaks_the_visits() -> None:
    catalogue = [make("nl-only", region="flanders", languages=("nl",))]
    assert [i.id for i in recommend(catalogue, BEGINNER, "flanders", "en")] == ["nl-only"]
    # A national place in English comes after the place nearby, named with its languages.
    catalogue.append(make("en-too", region="national", languages=("nl", "en"), mode="online"))
    assert [i.id for i in recommend(catalogue, BEGINNER, "flanders", "en")] == ["nl-only", "en-too"]
    # Once a place nearby speaks English, the Dutch-only one is no door for this visit.
    catalogue.append(make("en-nearby", region="flanders", languages=("en",)))
    chosen = recommend(catalogue, BEGINNER, "flanders", "en")
    assert [i.id for i in chosen] == ["en-nearby", "en-too"]


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


REGIONS = ["brussels", "flanders", "wallonia", "unknown"]
LANGUAGES = ["nl", "fr", "de", "en"]
PEOPLE = {"none": BEGINNER, "basic": BASIC, "above": EXPERT}


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("person", list(PEOPLE.values()), ids=list(PEOPLE))
def test_every_region_language_and_level(catalogue, help_desk, region, language, person) -> None:
    """The shipped catalogue, every region x language x level: the matching rule
    (initiatives.recommend's docstring) checked against all of it."""
    chosen = recommend(catalogue, person, region, language, help_desk)
    assert chosen[-1] is help_desk and 1 <= len(chosen) <= 3
    wanted = person_level(person)
    fitting = [i for i in catalogue if wanted in i.levels and i.region in (region, "national")]
    nearby = [i for i in fitting if i.region == region and i.mode == "in_person"]
    speaking_nearby = [i for i in nearby if language in i.languages]
    places = chosen[:-1]
    assert all(i in fitting for i in places)
    first = speaking_nearby or nearby
    # In-person places nearby come first and never give way to anything else.
    if len(first) >= 2:
        assert all(i in first for i in places), [i.id for i in places]
    else:
        assert places[: len(first)] == first, [i.id for i in places]
    # Another language only from a place nearby when none nearby speaks the visit's
    # (or when nothing at all speaks it).
    speaking_anywhere = [i for i in fitting if language in i.languages]
    for place in places:
        if language not in place.languages:
            assert place in nearby and not speaking_nearby or not speaking_anywhere, place.id
    assert len(places) == min(
        2, len(first) + len([i for i in speaking_anywhere if i not in first]) or len(fitting)
    )
    # nothing better left out: no unshown place of the first group ranks above a shown one
    weak = set(weakest_areas(person))
    for shown in places:
        for other in first:
            if shown in first and other not in places:
                assert len(weak & set(other.areas)) <= len(weak & set(shown.areas))
    # Every card names its languages, in the visit's language.
    t = Translator(language)
    for place in places:
        names = ", ".join(language_name(code) for code in place.languages)
        assert t.gettext("Languages: {names}").format(names=names) in place_lines(place, t)


def test_eupen_in_german(catalogue, help_desk) -> None:
    """A German beginner at the Eupen terminal (region wallonia) is sent to places in
    Ostbelgien that speak German, not to Safeonweb and the staff only."""
    from skillcheck.i18n import load_translators
    from skillcheck.paths import LOCALES_DIR

    de = load_translators(LOCALES_DIR)["de"]
    for person in (BEGINNER, BASIC):
        chosen = recommend(catalogue, person, "wallonia", "de", help_desk)
        places = chosen[:-1]
        assert len(places) == 2, [i.id for i in places]
        for place in places:
            assert place.mode == "in_person" and "de" in place.languages, place.id
            assert place.source and place.verified
            assert any("Eupen" in line or "Vith" in line for line in place_lines(place, de))
    # An expert: no place nearby speaks German for that level, so the nearby one is
    # shown with its language named in German, then the German national one.
    chosen = recommend(catalogue, EXPERT, "wallonia", "de", help_desk)
    assert [i.id for i in chosen] == ["becode-wallonia", "safeonweb", "help-desk"]
    assert "Sprachen: Français" in place_lines(chosen[0], de)


def test_a_french_beginner_in_namur_gets_places_nearby(catalogue, help_desk) -> None:
    chosen = recommend(catalogue, BEGINNER, "wallonia", "fr", help_desk)
    assert all(i.mode == "in_person" and i.region == "wallonia" for i in chosen[:-1])
    assert "safeonweb" not in [i.id for i in chosen]


def test_cards_name_a_restricted_audience_first(catalogue) -> None:
    from skillcheck.i18n import load_translators
    from skillcheck.paths import LOCALES_DIR

    by_id = {i.id: i for i in catalogue}
    assert by_id["interface3"].only_for == "Only for women."
    for code, t in load_translators(LOCALES_DIR).items():
        for place_id in ("interface3", "cpas-namur-espace-numerique"):
            place = by_id[place_id]
            lines = place_lines(place, t)
            assert lines[0] == t.pgettext(place_id, place.only_for), (code, lines)
            assert code == "en" or lines[0] != place.only_for, code  # translated


def test_every_catalogue_entry_has_mode_source_and_a_recent_verified_day(catalogue) -> None:
    assert all(i.mode in ("in_person", "online") for i in catalogue)
    assert all(i.source and i.source.startswith("http") and i.verified for i in catalogue)
    _, problems = check_initiatives(CATALOGUE_PATH)
    assert not [p for p in problems if "verified" in p.message]


def test_check_warns_a_year_after_verified_and_wants_source_and_mode(tmp_path: Path) -> None:
    import datetime as dt

    from skillcheck.initiatives import check_catalogue

    path = tmp_path / "initiatives.toml"
    entry = (
        '[[initiatives]]\nid = "a"\nname = "A"\noffer = "x"\nmode = "in_person"\n'
        'source = "https://example.org/a"\nverified = 2025-01-10\n\n'
        '[help_desk]\nid = "desk"\nname = "Desk"\noffer = "y"\n'
    )
    path.write_text(entry)
    _, _, problems = check_catalogue(path, today=dt.date(2026, 1, 10))
    assert problems == []
    _, _, problems = check_catalogue(path, today=dt.date(2026, 1, 11))
    (old,) = problems
    assert old.severity == "warning" and old.line == 7
    assert "verified on 2025-01-10, more than a year ago" in old.message
    path.write_text(
        entry.replace('mode = "in_person"\n', 'mode = "bus"\n').replace(
            'source = "https://example.org/a"\n', ""
        )
    )
    _, _, problems = check_catalogue(path, today=dt.date(2025, 2, 1))
    messages = [p.message for p in problems]
    assert "initiative 'a': 'mode' must be one of in_person, online" in messages
    assert any("'source' is missing" in m for m in messages)


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
