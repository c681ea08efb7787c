"""1,000 random keys, clicks, resizes and walk-aways in kiosk mode with a fixed seed:
no exception, the kiosk never ends, never shows the staff screen without the PIN,
and nothing of an earlier visit is left after a reset. The 10,000-event version is
`benchmarks/fuzz.py`."""

from __future__ import annotations

from kiosk_driver import PIN_HASH, make_app, run
from kiosk_fuzz import Fuzz

SEED = 20261128
EVENTS = 1000


def test_random_input_in_kiosk_mode_never_escapes(tmp_path):
    async def scenario():
        app = make_app(tmp_path, kiosk=True, pin_hash=PIN_HASH, warning_seconds=2)
        async with app.run_test(size=(80, 24)) as pilot:
            fuzz = Fuzz(pilot, SEED)
            for _ in range(EVENTS):
                await fuzz.step()
            await app.workers.wait_for_complete()
            return fuzz

    fuzz = run(scenario())
    # The seed gives real visits and resets, not 1,000 presses on one screen.
    assert fuzz.visits_started >= 5 and fuzz.resets >= 3, (fuzz.visits_started, fuzz.resets)
