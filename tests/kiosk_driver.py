"""Helpers for the kiosk's Pilot tests (no tests here): build an app, drive visits,
check that every text on a screen is fully visible."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from textual.app import App
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button, Static

from skillcheck.activities import Activity
from skillcheck.bank import Item
from skillcheck.config import SiteConfig
from skillcheck.paths import LOCALES_DIR, QUESTIONS_DIR
from skillcheck.pin import hash_pin
from skillcheck.session import ACTIVITIES, FILTER, ITEM, Session
from skillcheck.speech import Speaker
from skillcheck.tui.launch import build_app
from skillcheck.tui.screens.activities import ActivitiesScreen
from skillcheck.tui.screens.question import QuestionScreen

PIN = "432100"
PIN_HASH = hash_pin(PIN)
SIZES = [(80, 24), (120, 40)]


def make_app(tmp_path: Path, *, locales_dir: Path = LOCALES_DIR, **options):
    """The kiosk with the shipped content, a fresh database, idle timers off."""
    config_options = {
        key: options.pop(key)
        for key in (
            "site",
            "pin_hash",
            "kiosk",
            "help_desk",
            "export_folder",
            "languages",
            "read_aloud",
            "central",
            "default_language",
        )
        if key in options
    }
    config_options.setdefault("site", "Bibliotheek Test")
    # The tests' terminal is a site that offers three languages (1 Nederlands, 2
    # Français, 3 English: many tests press 3 for English); the shipped default of
    # four is tested on its own (test_tui_screens: make run offers four).
    config_options.setdefault("languages", ("nl", "fr", "en"))
    config = SiteConfig(terminal="t1", **config_options)
    options.setdefault("idle_seconds", 0)
    # Read aloud is on (its button and hint take their place on every screen), but a
    # test never makes a sound: `true` stands in for espeak-ng unless a test brings
    # its own speaker.
    options.setdefault("speaker", Speaker(program=shutil.which("true") or "true"))
    return build_app(
        config=config,
        questions_dir=QUESTIONS_DIR,
        locales_dir=locales_dir,
        database=tmp_path / "sessions.db",
        **options,
    )


def five_languages(tmp_path: Path) -> Path:
    """A locales folder offering five languages: the shipped ones (nl, fr, en, de),
    and "it" carrying the French texts (among the longest) under its own name."""
    target = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, target)
    text = (LOCALES_DIR / "fr" / "LC_MESSAGES" / "skillcheck.po").read_text("utf-8")
    for code in ("it",):
        folder = target / code / "LC_MESSAGES"
        assert not folder.exists(), f"{code} is shipped now: pick another stand-in code"
        folder.mkdir(parents=True)
        (folder / "skillcheck.po").write_text(
            text.replace("Language: fr", f"Language: {code}"), "utf-8"
        )
    return target


def tappable(widget: Widget) -> bool:
    """A tap at the widget's middle reaches it: on the screen, not scrolled away,
    not under anything else."""
    region = widget.region
    if not region or not widget.display or not widget.visible:
        return False
    try:
        found, _ = widget.screen.get_widget_at(*region.center)
    except Exception:
        return False
    return found is widget or widget in found.ancestors


def run(coro):
    return asyncio.run(coro)


# --- the one shared way through a visit (tests and benchmarks) ---------------------
#
# The order of screens is the Session's (`skillcheck.session`): language, intro, the
# internet question, then per area a tick-list and that area's items, then the result.
# Every test and benchmark that walks a visit goes through these functions, so a new
# step in the visit is taught to them here, once.


def mastered_number(session: Session, item: Item) -> int:
    """The key that shows mastery: 4 for can-do, the right option where it is shown."""
    if item.kind == "can_do":
        return 4
    shown = session.answers_shown(item)
    right = next(o.code for o in item.options if o.correct)
    return next(n for n, a in enumerate(shown, start=1) if a.code == right)


def beginner_number(session: Session, item: Item) -> int:
    """The key that shows no skill: 1 ("I don't know how") or the last ("I don't know")."""
    return 1 if item.kind == "can_do" else len(item.answers)


def tick_none(activities: tuple[Activity, ...]) -> list[int]:
    """A tick-list answered "None of these": its last number."""
    return [len(activities) + 1]


def tick_all(activities: tuple[Activity, ...]) -> list[int]:
    """Every activity of a tick-list ticked."""
    return list(range(1, len(activities) + 1))


def in_questions(app) -> bool:
    """Whether a question or a tick-list of the visit is on screen."""
    return isinstance(app.screen, (QuestionScreen, ActivitiesScreen))


async def answer_step(pilot, chooser=beginner_number, ticker=tick_none, internet=True) -> None:
    """Answer the step on screen as a person would, by number keys (and Enter)."""
    app = pilot.app
    session = app.session
    step = session.current
    if step.kind == FILTER:
        await pilot.press("1" if internet else "2")
    elif step.kind == ACTIVITIES:
        for number in ticker(session.activities(step.area)):
            await pilot.press(str(number))
        await pilot.press("enter")
    else:
        await pilot.press(str(chooser(session, step.item)))
    await pilot.pause()


async def tap_step(pilot, chooser=beginner_number, ticker=tick_none) -> None:
    """Answer the step on screen as a person would by touch: a tap on each button."""
    app = pilot.app
    session = app.session
    step = session.current
    if step.kind == FILTER:
        await pilot.click("#answer-1")  # yes
    elif step.kind == ACTIVITIES:
        # A list is often longer than the screen: brought into view first, as the
        # page buttons would (tests/test_tui_small_screens.py pages with them).
        for selector in [f"#tick-{n}" for n in ticker(session.activities(step.area))] + ["#go-on"]:
            app.screen.query_one(selector).scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            await pilot.click(selector)
    else:
        await pilot.click(f"#answer-{chooser(session, step.item)}")
    await pilot.pause()


async def answer_all(pilot, chooser=beginner_number, ticker=tick_none, internet=True) -> int:
    """Answer every step until the result; returns how many steps were answered."""
    app = pilot.app
    count = 0
    while in_questions(app) and app.session is not None and not app.session.finished:
        await answer_step(pilot, chooser, ticker, internet)
        count += 1
        assert count < 60, "the questions never end"
    await pilot.pause()
    return count


async def to_internet_question(pilot, language: str) -> None:
    """From the welcome screen: choose `language` by its number, press Enter to start.
    The first step is on screen: the internet question."""
    app = pilot.app
    number = list(app.translators).index(language) + 1
    await pilot.press(str(number))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, QuestionScreen)
    assert app.session.next_screen == FILTER


# The first area whose beginner's items come two in a row on every form of the bank
# (area 3: two basic can-do items; the other areas have one): for tests that answer
# one item and expect the next item, not a tick-list, on the same screen.
TWO_IN_A_ROW = 3


async def start_visit(pilot, language: str, area: int = 1) -> None:
    """Start a visit and go to the first question of `area`: the language, the intro,
    internet "yes", every list up to `area`'s answered "None of these" (and the items
    between them as a beginner); `area`'s basic can-do items follow."""
    await to_internet_question(pilot, language)
    app = pilot.app
    while not (app.session.next_screen == ITEM and app.session.current.area == area):
        await answer_step(pilot)
    assert isinstance(app.screen, QuestionScreen)


def _expected(widget: Widget) -> str | None:
    if isinstance(widget, Button):
        return widget.label.plain
    if isinstance(widget, Static):
        content = widget.content
        if isinstance(content, Content):
            return content.plain
        return str(content) if content else None
    return None


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def rendered_text(widget: Widget) -> str:
    """What the widget actually paints in its content area (borders left out)."""
    gutter = widget.styles.gutter
    size = widget.size
    strips = widget.render_lines(Region(gutter.left, gutter.top, size.width, size.height))
    return "\n".join(strip.text for strip in strips)


def visible_texts(app: App) -> list[str]:
    """Every text painted on the current screen (for assertions on content)."""
    return [rendered_text(w) for w in app.screen.query("*") if _expected(w) and w.display]


def assert_fully_visible(app: App) -> list[str]:
    """Every text on the current screen is painted whole, and nothing is wider than
    the screen: fails on a translation that overflows, is cut off or ellipsised.

    Returns the texts checked.
    """
    screen = app.screen
    width = screen.size.width
    checked = []
    for widget in screen.query("*"):
        if not widget.display or not widget.visible:
            continue
        if widget.allow_horizontal_scroll:
            raise AssertionError(f"{widget!r} scrolls sideways: something is too wide")
        expected = _expected(widget)
        if not expected or not expected.strip():
            continue
        painted = rendered_text(widget)
        assert _squash(expected) in _squash(painted), (
            f"{widget!r} does not show its whole text at {width}x{screen.size.height}:\n"
            f"  expected: {expected!r}\n  painted:  {painted!r}"
        )
        region = widget.region
        if region:
            assert region.right <= width, f"{widget!r} reaches past the screen edge"
            scrolls = any(
                a.allow_vertical_scroll for a in widget.ancestors if isinstance(a, Widget)
            )
            assert scrolls or region.bottom <= screen.size.height, (
                f"{widget!r} is below the screen and nothing scrolls to it"
            )
        checked.append(expected)
    return checked


def item_answers(app) -> int:
    """How many items (not the internet question, not tick-lists) the visit answered."""
    session = app.session
    ids = {i.id for i in session.form}
    return sum(1 for key in session.given if key in ids)


_SVG_TEXT = re.compile(
    r'<text class="[^"]+" x="(?P<x>[\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]*?line-(?P<row>\d+)\)">(?P<text>[^<]*)</text>'
)
_SVG_CELL_WIDTH = 12.2  # Textual's screenshot: pixels per column


def screenshot_text(app: App) -> list[str]:
    """The screen as a person sees it, one string per row, read back from Textual's
    own SVG screenshot (`App.export_screenshot`): what is cut off or covered is
    not there."""
    import html

    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for match in _SVG_TEXT.finditer(app.export_screenshot()):
        row = int(match["row"])
        column = round(float(match["x"]) / _SVG_CELL_WIDTH)
        for offset, char in enumerate(html.unescape(match["text"]).replace("\xa0", " ")):
            if row < height and column + offset < width:
                rows[row][column + offset] = char
    return ["".join(row) for row in rows]
