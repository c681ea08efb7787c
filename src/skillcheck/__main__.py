"""The `skillcheck` command (`python -m skillcheck` and the console script)."""

import gc


def main() -> None:
    """Run the command line, with the garbage collector paused while it starts.

    Start-up builds a few hundred thousand objects that live as long as the process
    (modules, classes, the question bank, styles) and almost no garbage, so each
    collection during it walks them again for nothing: ≈ 30 ms of the kiosk's start
    before its welcome is painted (issue 8). Collection resumes once the command is
    known (`cli`), or for the kiosk once its first screen is painted (`tui/app.py`).
    """
    gc.disable()
    from skillcheck.cli import main as command_line

    command_line()


if __name__ == "__main__":
    main()
