"""skillcheck: a kiosk self-assessment of basic digital skills (DigComp 3.0)."""

__version__ = "0.1.0"
