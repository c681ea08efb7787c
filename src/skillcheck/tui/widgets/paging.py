"""The scrolling body of a screen, paged by large buttons: a touch screen has no wheel."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.message import Message


class PagedBody(VerticalScroll):
    """Scrolls its content and tells the screen whether there is more above or below.

    The screen shows "↑" and "More ↓" buttons from that (KioskScreen does), so no
    part of a long screen depends on a scroll wheel or the arrow keys.
    """

    DEFAULT_CSS = """
    PagedBody {
        height: 1fr;
        padding: 0 2;
        scrollbar-size-vertical: 1;
    }
    """

    class Reach(Message):
        """Whether there is more to see above (`up`) and below (`down`)."""

        def __init__(self, up: bool, down: bool) -> None:
            super().__init__()
            self.up = up
            self.down = down

    def __init__(self, *children, **options) -> None:
        super().__init__(*children, **options)
        self._reach: tuple[bool, bool] | None = None

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.report_reach()

    def on_resize(self) -> None:
        # Sent when the body's own size changes (a new screen size, the actions row
        # growing); not when only its content grows: see `watch_virtual_size`.
        self.report_reach()

    def watch_virtual_size(self) -> None:
        # The content's height changed without the body changing size: a new
        # question in place, QR codes and cards laid out after mount, a wrapped line.
        # Textual sends no Resize for that, and sets the container size and the
        # scrollbars only after this watcher: measure once the layout has settled.
        self.call_after_refresh(self.report_reach)

    def on_show(self) -> None:
        self.call_after_refresh(self.report_reach)

    def report_reach(self) -> None:
        """Post `Reach` when what lies above or below changed."""
        y = round(self.scroll_y)
        reach = (y > 0, y < self.max_scroll_y)
        if reach != self._reach:
            self._reach = reach
            self.post_message(self.Reach(*reach))

    def page(self, direction: int) -> None:
        """One page down (1) or up (-1), keeping a line of the last page for context."""
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_y + direction * step, animate=False)
