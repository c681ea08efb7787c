"""Compiling a `.po` file takes time in proportion to its size (issue 19: a 5 MB file
made the first screen wait 128 s, the duplicate and obsolete lookups were quadratic).
Measured without a clock: the lines of skillcheck's reader executed (sys.settrace)
for a file and for one twice as large; twice the entries may cost about twice the
lines, not four times (before the fix: 3.4 times for these sizes)."""

from __future__ import annotations

import sys
from pathlib import Path

from skillcheck import catalogues


def make_po(path: Path, entries: int) -> None:
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        "",
    ]
    for i in range(entries):
        lines += [f'msgid "message number {i}"', f'msgstr "bericht nummer {i}"', ""]
    for i in range(entries // 4):
        lines += [f'#~ msgid "old message {i}"', f'#~ msgstr "oud bericht {i}"', ""]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def lines_run(path: Path) -> int:
    """How many lines of catalogues.py run to compile `path`."""
    count = 0
    source = catalogues.__file__

    def trace(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != source:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        assert catalogues.compile_catalogue("nl", path) is not None
    finally:
        sys.settrace(None)
    return count


def test_compiling_twice_the_entries_costs_about_twice_the_work(tmp_path):
    small, large = tmp_path / "small.po", tmp_path / "large.po"
    make_po(small, 600)
    make_po(large, 1200)
    ratio = lines_run(large) / lines_run(small)
    assert ratio < 2.3, ratio


def test_duplicates_and_obsolete_entries_are_still_found(tmp_path):
    po = tmp_path / "dup.po"
    make_po(po, 50)
    with open(po, "a", encoding="utf-8") as more:
        more.write('msgid "message number 7"\nmsgstr "nog eens"\n')
    parsed = catalogues.read_po_file(po)
    assert any("duplicate message (first defined at line" in m for _, m in parsed.syntax_errors)
    assert parsed.obsolete[0][1] == "old message 0" and len(parsed.obsolete) == 12
