"""Run the benchmarks (`make bench`): each benchmarks/*.py module that has a main().

The kiosk as a person sees it comes first (`outside_in`: start-up and key-to-paint
beside the anchors), then the rest in name order; the long ones (a million-session
database, the 1,000-visit soak, 300 kill -9 runs) last a few minutes each. One that
fails is reported and the others still run; the exit status is 1 if any failed.
`make bench BENCH="outside_in kiosk"` (or `run.py NAME …`) runs only those.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST = ("outside_in", "kiosk")
NOT_BENCHMARKS = ("run", "__init__", "build_db", "paint")


def names() -> list[str]:
    """Every benchmark module, the kiosk's first."""
    found = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in NOT_BENCHMARKS)
    return [n for n in FIRST if n in found] + [n for n in found if n not in FIRST]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks named in argv (all when none); returns the exit status."""
    sys.path.insert(0, str(HERE))
    wanted = (sys.argv[1:] if argv is None else argv) or names()
    unknown = [n for n in wanted if n not in names()]
    if unknown:
        print(f"unknown benchmark: {', '.join(unknown)} (known: {', '.join(names())})")
        return 2
    failed = []
    for name in wanted:
        module = importlib.import_module(name)
        if not hasattr(module, "main"):
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        try:
            if "argv" in module.main.__code__.co_varnames:
                module.main([])
            else:
                module.main()
        except (Exception, SystemExit) as error:
            if isinstance(error, SystemExit) and error.code in (0, None):
                continue
            traceback.print_exc()
            failed.append(name)
        print(f"== {name}: {time.monotonic() - started:.0f} s", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
