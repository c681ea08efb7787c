"""Every question whole on the smallest supported screen (60x20) and at 80x24, in
every language: all its answers in view without paging, no button broken over
lines, and from 80x24 up answers three rows tall (a touch target)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from textual.widgets import Button

from kiosk_driver import assert_fully_visible, make_app, run, start_visit, tappable
from skillcheck.bank import Item
from skillcheck.session import FILTER, ITEM, Progress, Session, Step
from skillcheck.speech import filter_answers, step_texts
from skillcheck.tui.widgets.answer import AnswerButton
from skillcheck.tui.widgets.paging import PagedBody

FOUR = ("nl", "fr", "de", "en")
# A long site name: the top bar takes two rows in some languages.
SITE = "Bibliotheek Gent – De Krook"


@dataclass(frozen=True)
class AtItem:
    """What the question screen reads from a session (`speech.step_texts`), at one
    chosen step: the internet question or any item of the bank, not only those one
    visit's path reaches. The longest answer is marked as given before (after Back),
    its longest label; a knowledge check's options in the visit's shuffled order."""

    session: Session
    current: Step

    @property
    def progress(self) -> Progress:
        return Progress(number=12, at_most=25)

    can_go_back = True

    @property
    def survey(self):
        return self.session.survey

    def answers_shown(self, item: Item):
        return self.session.answers_shown(item)

    def previous_answer(self) -> str | None:
        if self.current.kind == FILTER:
            return max(filter_answers(self.session), key=lambda a: len(a[1]))[0]
        return max(self.current.item.answers, key=lambda a: len(a.text)).code


def every_question(session: Session) -> list[AtItem]:
    """The internet question, then every item of the bank."""
    steps = [Step(FILTER)] + [Step(ITEM, i.area, i) for i in session.bank.items]
    return [AtItem(session, step) for step in steps]


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", FOUR)
def test_every_question_whole_without_paging(tmp_path, language, size):
    width, height = size

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        layouts = {}
        async with app.run_test(size=size) as pilot:
            await start_visit(pilot, language)
            screen = app.screen
            body = screen.query_one(PagedBody)
            for at in every_question(app.session):
                screen.show(at)
                await pilot.pause()
                await pilot.pause()
                where = f"{language} {width}x{height} {at.current.key} ({screen.layout_name})"
                answers_of = step_texts(app.bank, at, app.t).answers
                assert body.max_scroll_y == 0, f"{where}: the answers need paging"
                assert not screen.query(".page.-shown"), where
                answers = [b for b in screen.query(AnswerButton) if b.display]
                assert len(answers) == len(answers_of), where
                for button in answers:
                    assert tappable(button), f"{where}: answer {button.number} out of reach"
                    if size == (80, 24):
                        assert button.region.height >= 3, f"{where}: {button.region}"
                for button_id in ("#back", "#stop"):
                    button = screen.query_one(button_id, Button)
                    assert tappable(button), f"{where}: {button_id}"
                    # one piece: its label on one line (one row compact, three tall)
                    assert button.region.height in (1, 3), f"{where}: {button.region}"
                assert_fully_visible(app)
                layouts[at.current.key] = screen.layout_name
        return layouts

    layouts = run(scenario())
    if size == (80, 24):
        assert set(layouts.values()) <= {"-roomy", "-tall", "-close"}, layouts


@pytest.mark.parametrize("language", FOUR)
def test_can_do_questions_have_back_and_stop_three_rows_tall_at_80x24(tmp_path, language):
    """A can-do question (four answers) at 80x24 with a site name on one line: the
    answers, Back and Stop all touch targets; the hidden fifth answer takes no room."""

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site="Bibliotheek Gent")
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, language)
            screen = app.screen
            for at in every_question(app.session):
                item = at.current.item
                if item is None or item.kind != "can_do":
                    continue
                screen.show(at)
                await pilot.pause()
                await pilot.pause()
                assert screen.layout_name == "-roomy", (item.id, screen.layout_name)
                for button_id in ("#back", "#stop", "#answer-1", "#answer-4"):
                    button = screen.query_one(button_id, Button)
                    assert tappable(button) and button.region.height >= 3, (item.id, button_id)
                assert not screen.query_one("#answer-5").display

    run(scenario())


def test_continuation_lines_hang_under_the_text(tmp_path):
    """An answer or a point of the result that wraps goes on under its text, not
    under its number or bullet (issue 23)."""
    from kiosk_driver import answer_all, mastered_number, rendered_text, tick_all
    from skillcheck.tui.widgets.hanging import HangingText

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        async with app.run_test(size=(60, 20)) as pilot:
            await start_visit(pilot, "fr")
            screen = app.screen
            wrapped = []
            for at in every_question(app.session):
                screen.show(at)
                await pilot.pause()
                for button in screen.query(AnswerButton):
                    lines = rendered_text(button).splitlines()
                    if button.display and len([x for x in lines if x.strip()]) > 1:
                        wrapped.append(lines)
            assert wrapped
            for lines in wrapped:
                text = [line for line in lines if line.strip()]
                first = text[0].index(text[0].strip()[0])  # where the number is
                start = first + len(str(text[0].strip()[0])) + 3  # "1   " then the text
                for line in text[1:]:
                    assert line[:start].strip() == "" and line[start] != " ", lines
            screen.show(app.session)  # back to the visit's own question
            await answer_all(pilot, mastered_number, tick_all)
            points = [w for w in app.screen.query(HangingText) if w.text and w.prefix == "• "]
            hung = 0
            for point in points:
                lines = rendered_text(point).splitlines()
                offset = lines[0].index("•")
                for line in lines[1:]:
                    if line.strip():
                        hung += 1
                        assert line[: offset + 2].strip() == "" and line[offset + 2] != " "
            assert hung, "no point of the result wrapped at 60 columns"
            await app.workers.wait_for_complete()

    run(scenario())


def test_a_beginners_area_bar_is_empty(tmp_path):
    """Starting out is drawn as an empty bar, not a third full (issue 23)."""
    from kiosk_driver import answer_all, beginner_number
    from skillcheck.tui.widgets.area_bar import AreaBar

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        async with app.run_test(size=(80, 24)) as pilot:
            await start_visit(pilot, "nl")
            await answer_all(pilot, beginner_number)
            bars = list(app.screen.query(AreaBar))
            heads = [str(bar.query_one(".area-head").content) for bar in bars]
            await app.workers.wait_for_complete()
            return [bar.level for bar in bars], heads

    levels, heads = run(scenario())
    assert levels == ["none"] * 5
    for head in heads:
        assert head.startswith("░" * 12) and "█" not in head, head


@pytest.mark.parametrize("size", [(80, 24), (100, 30)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_four_invitations_are_in_view_on_the_welcome(tmp_path, size):
    """Four languages: every invitation whole above the buttons, nothing to page
    (at 80x24 the third and fourth were below the fold, issue 23)."""
    from textual.widgets import Static

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            invitations = list(app.screen.query(".language").results(Static))
            assert len(invitations) == 4
            body = app.screen.query_one(PagedBody)
            assert body.max_scroll_y == 0
            for invitation in invitations:
                assert invitation.region.bottom <= body.region.bottom, invitation.region
            assert_fully_visible(app)

    run(scenario())


def test_the_next_visitor_sees_nothing_shaded_as_chosen(tmp_path):
    """After "Back to the start" (tapped: the pointer stays where the finger was),
    no button of the new welcome looks different from the others: no hover shade,
    no focus (the last visitor's "2 Français" looked chosen)."""
    from kiosk_driver import in_questions, mastered_number, tap_step, tick_all
    from skillcheck.tui.screens.welcome import WelcomeScreen

    def looks(button: Button):
        styles = button.styles
        return (styles.background, styles.color, styles.border_top, styles.text_style)

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            plain = looks(app.screen.query_one("#lang-nl", Button))
            await pilot.click("#lang-fr")
            await pilot.pause()
            await pilot.click("#start")
            await pilot.pause()
            while in_questions(app) and not app.session.finished:
                await tap_step(pilot, mastered_number, tick_all)
            await app.workers.wait_for_complete()
            await pilot.click("#finish")
            await pilot.pause()
            await pilot.click("#home")
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen)
            # the pointer rests on a language button, as a finger left it
            await pilot.hover("#lang-fr")
            await pilot.pause()
            buttons = list(app.screen.query("#language-buttons Button").results(Button))
            assert not isinstance(app.focused, Button), app.focused
            assert {looks(button) for button in buttons} == {plain}

    run(scenario())


def test_a_new_visitor_gets_the_sites_text_size_back(tmp_path, monkeypatch):
    """In a browser, the kiosk tells the page when the next visitor comes (Stop, the
    thank-you screen's way back, the idle reset), and the page puts A+ / A− back to
    the site's size (web/kiosk.js, `newVisit`); going back to the languages is the
    same visitor and keeps it."""
    from skillcheck.speech import NEW_VISIT_MESSAGE, PAGE_SCHEME
    from skillcheck.tui.app import SkillcheckApp

    monkeypatch.setattr(SkillcheckApp, "is_web", property(lambda self: True))
    sent = []

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        app.open_url = lambda url, **options: sent.append(url)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.click("#lang-de")
            await pilot.pause()
            await pilot.click("#cancel")  # back to the languages: the same person
            await pilot.pause()
            assert PAGE_SCHEME + NEW_VISIT_MESSAGE not in sent
            await start_visit(pilot, "fr")
            await pilot.press("escape")
            await pilot.pause()
            await pilot.click("#yes")  # stop: the next visitor comes
            await pilot.pause()
            assert sent.count(PAGE_SCHEME + NEW_VISIT_MESSAGE) == 1
            app.reset_to_welcome()  # what the idle reset does
            await pilot.pause()
            assert sent.count(PAGE_SCHEME + NEW_VISIT_MESSAGE) == 2

    run(scenario())


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", FOUR)
def test_every_tick_list_line_whole_and_a_touch_target(tmp_path, language, size):
    """The tick-lists (issue 20) get the question screen's treatment (issue 24): a list
    is longer than a small screen, so it pages, but every line brought into view is
    seen whole, its text wraps under its text, not under the box; from 80x24 up the
    lines, Go on, Back and Stop are three rows tall."""
    from kiosk_driver import answer_step, rendered_text, to_internet_question
    from skillcheck.session import ACTIVITIES
    from skillcheck.tui.screens.activities import TickButton

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        async with app.run_test(size=size) as pilot:
            await to_internet_question(pilot, language)
            await answer_step(pilot)  # yes
            lists = 0
            while not app.session.finished:
                if app.session.next_screen != ACTIVITIES:
                    await answer_step(pilot)
                    continue
                lists += 1
                screen = app.screen
                body = screen.query_one(PagedBody)
                await pilot.pause()
                buttons = list(screen.query(TickButton))
                for button in buttons:
                    where = f"{language} {size} {app.session.current.key} {button.id}"
                    button.scroll_visible(animate=False, immediate=True)
                    await pilot.pause()
                    assert tappable(button), where
                    assert body.region.contains_region(button.region), where
                    lines = rendered_text(button).splitlines()
                    text = [line for line in lines if line.strip()]
                    if isinstance(button, TickButton) and len(text) > 1:
                        start = text[0].index(str(button.number)) + len(str(button.number)) + 2
                        for line in text[1:]:
                            assert line[:start].strip() == "" and line[start] != " ", lines
                    if size == (80, 24):
                        assert button.region.height >= 3, f"{where}: {button.region}"
                if size == (80, 24):
                    for button_id in ("#back", "#stop"):
                        button = screen.query_one(button_id, Button)
                        assert button.region.height == 3, f"{where}: {button_id}"
                # Back, Stop and the page buttons: each label on one line, none
                # broken over two ("Zurück / (Backspace)" at 60x20, issue 24).
                body.scroll_home(animate=False, immediate=True)
                await pilot.pause()
                for button in screen.query("#actions Button").results(Button):
                    if not button.display or not button.label.plain:
                        continue
                    lines = [x.strip() for x in rendered_text(button).splitlines() if x.strip()]
                    assert lines == [button.label.plain], f"{where}: {button.id} {lines}"
                    assert tappable(button), f"{where}: {button.id}"
                await answer_step(pilot)
            assert lists == 5
            await app.workers.wait_for_complete()

    run(scenario())


@pytest.mark.parametrize("language", FOUR)
def test_a_real_visit_at_60x20_never_pages_a_question(tmp_path, language):
    """Through a visit as it comes (each question on a screen just shown after a
    tick-list, not only one question shown after another): at 60x20 every answer in
    view. A first measure before the answers were wrapped showed a page button that
    wrapped Back to two rows, and the last answer stayed below the fold (German,
    info-check-news)."""
    from kiosk_driver import answer_step, to_internet_question
    from skillcheck.session import ITEM

    def one_tick(activities):
        return [1]  # basic in every area: its above-basic items, knowledge checks too

    async def scenario():
        app = make_app(tmp_path, languages=FOUR)
        async with app.run_test(size=(60, 20)) as pilot:
            await to_internet_question(pilot, language)
            checked = 0
            while not app.session.finished:
                if app.session.next_screen == ITEM:
                    for _ in range(3):  # laid out, measured, laid out again
                        await pilot.pause()
                    body = app.screen.query_one(PagedBody)
                    assert body.max_scroll_y == 0, (language, app.session.current.key)
                    checked += 1
                await answer_step(pilot, ticker=one_tick)
            assert checked
            await app.workers.wait_for_complete()

    run(scenario())


@pytest.mark.parametrize("size", [(60, 20), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", FOUR)
def test_go_on_is_in_view_before_anything_is_ticked(tmp_path, language, size):
    """A tick-list's Go on is there before the first tick (issue 24: it was hidden
    until then, and a beginner by touch never found the way on): in its place, its
    words on one line saying to tick a line first, greyed yet 7:1 in both themes; a
    tap on it does nothing; after a tick it says Go on, and a tap goes on."""
    from kiosk_driver import rendered_text, to_internet_question
    from skillcheck.session import ACTIVITIES
    from test_tui_screens import contrast, lowest_text_contrast

    async def scenario():
        app = make_app(tmp_path, languages=FOUR, site=SITE)
        async with app.run_test(size=size) as pilot:
            await to_internet_question(pilot, language)
            await pilot.press("1")  # yes: the first tick-list
            await pilot.pause()
            assert app.session.next_screen == ACTIVITIES
            step = app.session.current
            screen = app.screen
            go_on = screen.query_one("#go-on", Button)
            go_on.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            waiting = app.t.gettext("Go on (Enter): first tick a line")
            for theme in ("normal", "high"):
                where = f"{language} {size} {theme}"
                assert go_on.disabled and go_on.visible and tappable(go_on), where
                lines = [x.strip() for x in rendered_text(go_on).splitlines() if x.strip()]
                assert lines == [waiting], (where, lines)
                painted = [
                    segment.style
                    for strip in go_on.render_lines(go_on.region.reset_offset)
                    for segment in strip
                    if segment.style and any(ch.isalnum() for ch in segment.text)
                ]
                assert painted, where
                for style in painted:
                    fg, bg = tuple(style.color.triplet), tuple(style.bgcolor.triplet)
                    assert contrast(fg, bg) >= 7, (where, fg, bg)
                assert lowest_text_contrast(app) >= 7, where
                await pilot.press("c")
                await pilot.pause()
            await pilot.click("#go-on")
            await pilot.press("enter")
            await pilot.pause()
            assert app.session.current == step and app.screen is screen
            await pilot.press("1")
            await pilot.pause()
            assert not go_on.disabled
            assert rendered_text(go_on).strip() == app.t.gettext("Go on (Enter)")
            go_on.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            await pilot.click("#go-on")
            await pilot.pause()
            assert app.session.current != step

    run(scenario())
