"""The kiosk: a Textual app that renders a Session and forwards input to it.

This is the only package that imports textual; the logic stays in the core.
"""
