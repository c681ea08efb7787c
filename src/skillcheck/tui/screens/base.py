"""What every kiosk screen shares: the top bar, the key hints, re-translation.

Keys are bound once, in the App; it calls the `do_*` methods a screen has
(`do_choose(n)`, `do_back()`, `do_stop()`, `do_confirm()`). A screen without
the method simply ignores the key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar, cast

from textual.app import ComposeResult
from textual.screen import ModalScreen, Screen

from skillcheck.tui.widgets.bars import KeyBar, TopBar

if TYPE_CHECKING:
    from skillcheck.i18n import Translator
    from skillcheck.tui.app import SkillcheckApp

T = TypeVar("T")


class KioskParts:
    """What screens and dialogs share: the kiosk App, its translator, re-translation."""

    app: SkillcheckApp

    @property
    def kiosk(self) -> SkillcheckApp:
        return cast("SkillcheckApp", self.app)

    @property
    def t(self) -> Translator:
        return self.kiosk.t

    def retranslate(self) -> None:
        """The language changed: build it again (answers live in the session)."""
        self.refresh(recompose=True)  # type: ignore[attr-defined]


class KioskScreen(KioskParts, Screen[None]):
    """A full screen with the top bar and the key hints."""

    # Whether inactivity here shows the idle warning and then starts over.
    IDLE_RESET = True
    SHOW_LANGUAGE = True

    def where(self) -> str:
        """The text at the top left."""
        return self.kiosk.config.site

    def key_hints(self) -> list[str]:
        """The key hints at the bottom; the App adds its own (quit in practice)."""
        return []

    def compose(self) -> ComposeResult:
        yield TopBar(self.where(), language=self.SHOW_LANGUAGE)
        yield from self.compose_body()
        yield KeyBar(self.key_hints() + self.kiosk.extra_hints())

    def compose_body(self) -> ComposeResult:
        yield from ()


class KioskModal(KioskParts, ModalScreen[T], Generic[T]):
    """A dialog over a screen; Escape means "no" / "cancel"."""
