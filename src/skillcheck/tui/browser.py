"""The kiosk in a browser tab: textual's web driver, plus the browser's voices.

`skillcheck serve` starts each tab's kiosk with this driver (TEXTUAL_DRIVER). The page
connects before its browser has listed its voices (the welcome must not wait for
them); when the list comes, `serve` passes it on as one meta message, and the App
offers read aloud in those languages from then on.
"""

from __future__ import annotations

from textual.drivers.web_driver import WebDriver

from skillcheck.tui.messages import VoicesHeard

# The meta message's type, as skillcheck.serve sends it (serve imports no textual,
# so the name is written twice; tests/test_serve.py checks they agree).
VOICES_META = "skillcheck_voices"


class KioskWebDriver(WebDriver):
    """textual's WebDriver; a `skillcheck_voices` meta message becomes VoicesHeard."""

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type != VOICES_META:
            super().on_meta(packet_type, payload)
            return
        languages = payload.get("languages")
        if isinstance(languages, str):
            heard = tuple(code for code in languages.split(",") if code)
            self.send_message(VoicesHeard(heard))
