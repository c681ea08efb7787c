"""Running a command as another user (nobody, or the cage smoke test's user) needs
a copy of what it reads: this checkout may sit in a private folder (mode 0700, a path
in root's home, a `mktemp -d`) that the other user cannot even enter."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# Distributions only the facilitator commands use (the PDF report): the kiosk runs
# without them, and they are most of the copy's size.
NOT_FOR_THE_KIOSK = {"matplotlib", "numpy", "contourpy", "fonttools", "kiwisolver", "pillow"}


def copy_for_another_user(folder: Path) -> Path:
    """This checkout's source and content and the installed packages the kiosk needs,
    copied into `folder` (which the other user can read): the checkout may be in a
    private folder (mode 0700, a path in root's home) that the other user cannot even
    enter. Returns the folder to put on PYTHONPATH after `folder / "src"`."""
    from importlib.metadata import distribution

    from packaging.requirements import Requirement

    for name in ("questions", "locales"):
        shutil.copytree(ROOT / name, folder / name)
    shutil.copytree(ROOT / "src" / "skillcheck", folder / "src" / "skillcheck")
    packages = folder / "site-packages"
    seen: set[str] = set()
    wanted = ["skillcheck"]
    while wanted:
        found = distribution(wanted.pop())
        name = found.metadata["Name"].lower()
        if name in seen or name in NOT_FOR_THE_KIOSK:
            continue
        seen.add(name)
        # skillcheck itself is the copied source (this checkout's is an editable install).
        for file in (found.files or []) if name != "skillcheck" else []:
            source = Path(found.locate_file(file))
            if source.is_file() and ".." not in file.parts:
                target = packages / file
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
        for line in found.requires or []:
            requirement = Requirement(line)
            if not requirement.marker or requirement.marker.evaluate({"extra": ""}):
                wanted.append(requirement.name)
    return packages
