"""skillcheck: a kiosk self-assessment of basic digital skills (DigComp 2.2)."""

__version__ = "0.1.0"
