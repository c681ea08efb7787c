"""Translations: one Translator per language, read from .po files at start-up.

(Skeleton: the run-time .po loading, fallbacks and checks arrive with issue 3.)
"""

from __future__ import annotations

import gettext as _gettext
from dataclasses import dataclass, field

SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it here."""
    return message


@dataclass(frozen=True)
class Translator:
    """Translates every string a person sees into one language."""

    language: str = SOURCE_LANGUAGE
    catalogue: _gettext.NullTranslations = field(default_factory=_gettext.NullTranslations)

    def gettext(self, message: str) -> str:
        """Translate a UI string."""
        return self.catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a string with a number in it, with the language's plural forms."""
        return self.catalogue.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        """Translate content text whose msgctxt is an item, area or initiative id."""
        return self.catalogue.pgettext(context, message)
