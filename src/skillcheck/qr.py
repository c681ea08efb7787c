"""The QR codes the kiosk draws, as text, and whether they fit its screen.

The kiosk draws a QR code with two modules per character row (half blocks) and one
per column, with the quiet zone of 4 modules ISO/IEC 18004 asks for. On the 80-column
screen, inside a card's border and padding (or the result's margin), a code may be at
most `MAX_COLUMNS` wide. `skillcheck check --config` draws every code the kiosk will
draw and names any that does not fit (`qr_problem`); the kiosk shows none rather than
crash when one is too long anyway.
"""

from __future__ import annotations

# ISO/IEC 18004 asks for a light margin of 4 modules around a QR code.
QUIET_ZONE = 4
MAX_COLUMNS = 76  # 80 columns less a card's border and padding


class QrTooLong(ValueError):
    """The text is too long for any QR code (segno's DataOverflowError)."""


def qr_rows(text: str, error: str = "m", version: int | None = None) -> list[list[int]]:
    """The modules of the QR code of `text`, quiet zone included (1 = dark). With a
    `version` (the code's size), the highest error correction that still holds the
    text at that size is taken."""
    import segno  # only when a code is drawn: keeps the kiosk's start fast
    from segno import DataOverflowError

    try:
        code = segno.make_qr(text, error=error, version=version, boost_error=version is not None)
    except DataOverflowError as error_:
        raise QrTooLong(str(error_)) from None
    return [list(row) for row in code.matrix_iter(scale=1, border=QUIET_ZONE)]


def qr_problem(text: str, error: str = "m") -> str | None:
    """Why the kiosk cannot draw the QR code of `text`, or None when it fits."""
    try:
        columns = len(qr_rows(text, error)[0])
    except QrTooLong:
        return f"too long for a QR code ({len(text.encode())} bytes)"
    if columns > MAX_COLUMNS:
        return f"its QR code is {columns} columns wide, more than the {MAX_COLUMNS} that fit"
    return None
