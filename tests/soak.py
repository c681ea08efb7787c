"""How long the long checks run.

`make test` (and CI) runs a short version of every attack, fuzz and fault loop, so the
whole suite stays within a few minutes on 2 cores; `make soak` sets SKILLCHECK_SOAK=1
and runs the same tests with their long counts (docs/testing.md lists them). The
longest runs of all (10,000-event fuzz, 300 kill -9 runs, the 1,000-visit soak,
million-session databases) are benchmarks: `make bench`.
"""

from __future__ import annotations

import os

SOAK = os.environ.get("SKILLCHECK_SOAK", "") not in ("", "0")


def runs(short: int, soak: int) -> int:
    """How many runs (trials, events, visits): `short` in the suite, `soak` under
    `make soak`."""
    return soak if SOAK else short
