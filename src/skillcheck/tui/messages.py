"""What the screens tell the App. Screens render and post these; the App owns the visit.

A screen posts a message on itself (`self.post_message(Answered(...))`); it bubbles
to the App, whose `@on(...)` handlers move the visit on and switch screens. The
App tells screens about changes with the last two messages below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.screen import Screen


class FromScreen(Message):
    """A message from a screen; the App ignores it once that screen is gone (a key
    pressed twice, a timer firing while the screen is being replaced)."""

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.screen = screen

    @property
    def control(self) -> Screen:
        return self.screen


class LanguagePicked(FromScreen):
    """On the welcome screen: the person starts a visit in this language."""

    def __init__(self, screen: Screen, code: str) -> None:
        super().__init__(screen)
        self.code = code


class LanguageChosen(FromScreen):
    """From the language dialog: switch the language now, keeping the answers."""

    def __init__(self, screen: Screen, code: str) -> None:
        super().__init__(screen)
        self.code = code


class StartRequested(FromScreen):
    """ "Before you start" was read: ask the first question."""


class Answered(FromScreen):
    """An answer to the step `item_id` (the item's id, or "filter" for the internet
    question; ignored if that is no longer the step shown)."""

    def __init__(self, screen: Screen, item_id: str, code: str) -> None:
        super().__init__(screen)
        self.item_id = item_id
        self.code = code


class ActivitiesTicked(FromScreen):
    """A tick-list answered: the activities of `area` the person did (empty: none)."""

    def __init__(self, screen: Screen, area: int, ticked: frozenset[str]) -> None:
        super().__init__(screen)
        self.area = area
        self.ticked = ticked


class BackRequested(FromScreen):
    """Back to the previous question."""


class StopRequested(FromScreen):
    """The person stops (confirmed): the visit is dropped and recorded as abandoned."""


class LanguagesRequested(FromScreen):
    """Back to the languages (the intro's Esc): the welcome, also where the kiosk
    starts on the intro (`skillcheck run --lang`)."""


class Finished(FromScreen):
    """The person is done with the result: thank them, drop the visit."""


class StartOver(FromScreen):
    """Back to a fresh welcome screen (thank-you timer, staff going back to the kiosk)."""


class StaffRequested(FromScreen):
    """The facilitator key was pressed: ask the PIN."""


class LeaveRequested(FromScreen):
    """Staff leave the kiosk (the App exits)."""


# --- from the App to the screens ---------------------------------------------------


class LanguageChanged(Message, bubble=False):
    """The visit's language changed: a screen rebuilds its texts."""


class ThemeChanged(Message, bubble=False):
    """Contrast switched: a screen updates the words on its contrast button."""


class VoicesHeard(Message):
    """The visitor's browser named its voices after the kiosk started (`serve` never
    lets the page wait for them): read aloud is offered in those languages from now on.
    Posted by the browser driver (skillcheck.tui.browser) to the App."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        super().__init__()
        self.languages = languages
