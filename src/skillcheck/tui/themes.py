"""The kiosk's two themes: a calm default and a high-contrast one (at least 7:1)."""

from __future__ import annotations

from textual.theme import Theme

DEFAULT_THEME = Theme(
    name="skillcheck",
    primary="#1D4E89",
    secondary="#5A3E85",
    accent="#9C4A00",
    foreground="#111111",
    background="#FAF8F2",
    surface="#DCE3EE",
    panel="#C9D3E3",
    warning="#8A5A00",
    error="#A4161A",
    success="#1E6B35",
    dark=False,
    # A button waiting for a choice (Go on before a tick, issue 24): greyed, yet
    # 7.6:1 on the background; the button's words say why too.
    variables={"footer-key-foreground": "#1D4E89", "waiting-foreground": "#505050"},
)

# White and yellow on black: 21:1 and 19.6:1. Nothing relies on colour alone.
HIGH_CONTRAST_THEME = Theme(
    name="skillcheck-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#1C1C1C",
    panel="#1C1C1C",
    boost="#000000",
    warning="#FFFF00",
    error="#FFFF00",
    success="#FFFFFF",
    dark=True,
    text_alpha=1.0,
    variables={"waiting-foreground": "#A0A0A0"},  # 8.0:1 on black
)

THEMES = {"default": DEFAULT_THEME, "high-contrast": HIGH_CONTRAST_THEME}
