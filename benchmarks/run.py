"""Run every benchmark: each benchmarks/*.py module that has a main() (`make bench`)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Import each benchmark module and call its main() with no arguments."""
    sys.path.insert(0, str(HERE))
    for path in sorted(HERE.glob("*.py")):
        if path.stem in ("run", "__init__", "build_db", "paint"):
            continue
        module = importlib.import_module(path.stem)
        if hasattr(module, "main"):
            print(f"== {path.stem}", flush=True)
            module.main([]) if "argv" in module.main.__code__.co_varnames else module.main()


if __name__ == "__main__":
    main()
