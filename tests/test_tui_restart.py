"""The real kiosk process in a pseudo-terminal: the restart pause after a crash, and
the ways a visit can end without finishing (issue 9 finding 6, issue 12 item 4)."""

from __future__ import annotations

import os
import signal
import sqlite3
import time

import pytest

from kiosk_process import KioskProcess, write_config
from skillcheck.tui.launch import TEST_CRASHES

KEYBOARD_SIGNAL_KEYS = (b"\x03", b"\x1c", b"\x1a")  # Ctrl+C, Ctrl+\, Ctrl+Z


def test_ctrl_c_backslash_z_during_the_restart_pause_do_not_end_the_kiosk(tmp_path):
    config = write_config(tmp_path)
    # The first three starts crash: pauses of 1, 2 and 3 s in the terminal's own mode.
    kiosk = KioskProcess(
        tmp_path,
        "--config",
        str(config),
        "--db",
        str(tmp_path / "sessions.db"),
        env={TEST_CRASHES: "3"},
    )
    try:
        # Python's own start-up is not the kiosk's yet: from the first painted screen
        # on, hammer the three keys until the fourth start shows the welcome screen,
        # through every pause.
        kiosk.wait_for(lambda: "English" in kiosk.text(), 30, "the first welcome screen")
        started = time.monotonic()
        while kiosk.log().count("starting again") < 3:
            assert kiosk.poll() is None, f"the kiosk ended: {kiosk.status}"
            assert kiosk.state() != "T", "the kiosk was suspended"
            for key in KEYBOARD_SIGNAL_KEYS:
                kiosk.send(key)
                time.sleep(0.03)
            assert time.monotonic() - started < 60, "three crashes never happened"
        painted = len(kiosk.output)
        kiosk.wait_for(lambda: "English" in kiosk.text(since=painted), 30, "welcome after restart")
        for _ in range(10):
            for key in KEYBOARD_SIGNAL_KEYS:
                kiosk.send(key)
            time.sleep(0.05)
        time.sleep(0.5)
        assert kiosk.poll() is None and kiosk.state() != "T"
        assert kiosk.log().count("unexpected error in the kiosk") == 3
        assert "Traceback" not in kiosk.text()  # never on the screen, only in the log
    finally:
        status = kiosk.end()
    assert status == 0  # SIGTERM ends it the normal way


def sessions(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT status, items_answered FROM sessions").fetchall()


@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP", "ctrl+q"])
def test_a_visit_ended_by_a_signal_or_ctrl_q_is_recorded_as_abandoned(tmp_path, ending):
    config = write_config(tmp_path, kiosk=ending != "ctrl+q")
    database = tmp_path / "sessions.db"
    kiosk = KioskProcess(tmp_path, "--config", str(config), "--db", str(database))
    try:
        kiosk.wait_for(lambda: "English" in kiosk.text(), 30, "the welcome screen")
        kiosk.send(b"4")  # the default four languages: English is the fourth
        kiosk.wait_for(lambda: "Before you start" in kiosk.text(), 15, "the intro")
        kiosk.send(b"\r")
        kiosk.wait_for(lambda: "Question 1 of" in kiosk.text(), 15, "question 1")
        kiosk.send(b"1")  # internet in the last 3 months: yes
        kiosk.wait_for(lambda: "Question 2 of" in kiosk.text(), 15, "question 2")
        if ending == "ctrl+q":
            kiosk.send(b"\x11")
        else:
            os.kill(kiosk.pid, getattr(signal, ending))
        kiosk.wait_for(lambda: kiosk.poll() is not None, 20, "the end")
    finally:
        status = kiosk.end()
    assert status == 0
    assert sessions(database) == [("abandoned", 1)]
    if ending != "ctrl+q":  # the log says why the kiosk ended
        assert f"the kiosk ends: {ending} received" in kiosk.log()


def test_a_broken_question_file_ends_the_kiosk_with_its_problem(tmp_path, questions_copy):
    """The bank is loaded once the welcome is painted (start-up speed, issue 8): a
    broken file still stops the kiosk, with the problem printed and exit status 1,
    and no restart (a restart cannot mend a file)."""
    items = sorted((questions_copy / "items").glob("*.toml"))[0]
    items.write_text(items.read_text("utf-8") + "\n[[items]]\nid = 3\n", encoding="utf-8")
    kiosk = KioskProcess(
        tmp_path, "--db", str(tmp_path / "k.db"), "--questions", str(questions_copy)
    )
    try:
        kiosk.wait_for(lambda: kiosk.poll() is not None, 30, "the end of the kiosk")
        assert kiosk.status == 1
        said = kiosk.text()
        assert items.name in said, said[-2000:]
        assert "starting again" not in kiosk.log()
    finally:
        kiosk.end()
