"""kill -9 of a saving kiosk process at random moments (issue 9): the database stays
intact, every acknowledged session is kept, none is half stored, and the spool is
written exactly once. 20 runs here, 50 under `make soak`; benchmarks/reliability.py
runs 300."""

from __future__ import annotations

import pytest
from harness import kill_run

import soak

RUNS = soak.runs(20, 50)


@pytest.mark.parametrize("seed", range(RUNS))
def test_kill_9_during_saves_loses_nothing(tmp_path, seed):
    outcome = kill_run(tmp_path, seed)
    assert outcome.integrity == "ok"
    assert outcome.missing == []  # every acknowledged session is in the database
    assert outcome.half_sessions == []  # all of a session's rows or none
    assert outcome.left_in_spool == 0  # the next start wrote the spool ...
    assert outcome.daily_tables_right  # ... once: no session counted twice
    assert outcome.bad_lines_with_acknowledged_ids == 0
