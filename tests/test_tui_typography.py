"""French typography survives Textual's line wrapping."""

from __future__ import annotations

import pytest
from textual.content import Content

import skillcheck.tui.app  # noqa: F401 - installs the wrapping rule


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_no_break_space_is_never_a_line_break(space: str) -> None:
    text = f"Répondez honnêtement{space}: ce n'est pas un examen."
    lines = [line.plain for line in Content(text).wrap(21)]
    assert not any(line.startswith(":") for line in lines), lines
    assert any(line.startswith(f"honnêtement{space}:") for line in lines), lines


def test_ordinary_spaces_still_wrap() -> None:
    lines = [line.plain.rstrip() for line in Content("un deux trois quatre cinq six").wrap(10)]
    assert lines == ["un deux", "trois", "quatre", "cinq six"]
