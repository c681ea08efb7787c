"""The kiosk's own widgets."""
