"""Translations: one Translator per language, read from .po files at start-up.

The kiosk reads `locales/<lang>/LC_MESSAGES/skillcheck.po` at run time: there is
no compile step, so a translator's edit shows on the next start, and a new folder
`locales/de/...` adds German without a code change.

Reading a `.po` with Babel costs about 60 ms a language, so the usable messages
(`skillcheck.catalogues.compile_catalogue`) are kept in the user cache folder as a
`.mo` file named by a hash of the `.po` file's bytes. The next start with the same
file loads that with the standard library's `gettext`, without importing Babel; an
edited file has another hash and is read again.

Fallback to the English source text, never an exception: per message when its
translation is missing, fuzzy or has placeholders that differ from the English;
per language (with a warning in the log) when the file cannot be read or parsed.
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import os
import re
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import platformdirs

from skillcheck import __version__

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
DOMAIN = "skillcheck"
# Languages are offered in this order; others found in locales/ follow, sorted.
LANGUAGE_ORDER = ("nl", "fr", "de", "en")
_LANGUAGE_DIR = re.compile(r"^[A-Za-z]{2,3}(?:[_@-][A-Za-z0-9]+)*$")
# The usual languages' own names, without loading Babel's locale data (~100 ms);
# tests/test_i18n.py checks they are exactly what Babel says.
_OWN_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch"}
# Bump when compile_catalogue changes what it keeps, so old cached files are not used.
_CACHE_FORMAT = 3  # 3: control characters stripped (issue 19)


def format_locale(language: str) -> str:
    """The Babel locale for numbers and dates: `<lang>_BE` when Babel knows it."""
    from babel import Locale
    from babel.core import UnknownLocaleError

    for candidate in (f"{language}_BE", language):
        try:
            Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        return candidate
    return SOURCE_LANGUAGE


def writes_right_to_left(language: str) -> bool:
    """Whether the language is written right to left (Arabic, Hebrew, Persian …).

    The terminal draws every line left to right, character by character, so such a
    text would come out back to front: `skillcheck check` refuses these languages.
    """
    from babel import Locale
    from babel.core import UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_")).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError, TypeError):
        return False


def language_name(language: str) -> str:
    """The language's own name, capitalised: "Nederlands", "Français", "English"."""
    if language in _OWN_NAMES:
        return _OWN_NAMES[language]
    from babel import Locale
    from babel.core import UnknownLocaleError

    try:
        name = Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError, TypeError):
        name = language
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class Translator:
    """Translates every string a person sees into one language.

    Untranslated messages come back in English; no method raises.
    """

    language: str = SOURCE_LANGUAGE
    catalogue: _gettext.NullTranslations = field(default_factory=_gettext.NullTranslations)

    @cached_property
    def locale(self) -> str:
        """The Babel locale used for numbers and dates (looked up when first needed)."""
        return format_locale(self.language)

    @property
    def name(self) -> str:
        """The language's own name, as shown on the language buttons."""
        return language_name(self.language)

    def gettext(self, message: str) -> str:
        """Translate a UI string."""
        try:
            return self.catalogue.gettext(message)
        except Exception:  # noqa: BLE001 - the kiosk must never fail on a translation
            return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a string with a number in it, with the language's plural forms."""
        try:
            return self.catalogue.ngettext(singular, plural, n)
        except Exception:  # noqa: BLE001
            return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        """Translate content text whose msgctxt is an item, area or initiative id."""
        try:
            return self.catalogue.pgettext(context, message)
        except Exception:  # noqa: BLE001
            return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """Translate a string with a number and a msgctxt."""
        try:
            return self.catalogue.npgettext(context, singular, plural, n)
        except Exception:  # noqa: BLE001
            return singular if n == 1 else plural

    def format_number(self, n: float | int) -> str:
        """A number as people write it in this language (1.234,5 in nl_BE)."""
        from babel.numbers import format_decimal

        try:
            return format_decimal(n, locale=self.locale)
        except Exception:  # noqa: BLE001
            return str(n)

    def format_percent(self, x: float, decimals: int = 0) -> str:
        """A fraction as a percentage: 0.6 -> "60%" (nl_BE), "60 %" (fr_BE); with
        `decimals`, up to that many after the comma (0.00138 -> "0,1%")."""
        from babel.numbers import format_percent

        try:
            if decimals:
                rounded = round(x, 2 + decimals)
                return format_percent(rounded, locale=self.locale, decimal_quantization=False)
            return format_percent(x, locale=self.locale)
        except Exception:  # noqa: BLE001
            return str(x)

    def format_date(self, d: date | datetime, format: str = "long") -> str:
        """A date in words: "27 november 2026" (nl_BE), "27 novembre 2026" (fr_BE)."""
        from babel.dates import format_date

        try:
            return format_date(d, format=format, locale=self.locale)
        except Exception:  # noqa: BLE001
            return str(d)


def discover_languages(locales_dir: Path) -> dict[str, Path]:
    """Language code -> .po path, for every `<lang>/LC_MESSAGES/skillcheck.po`."""
    found: dict[str, Path] = {}
    try:
        folders = sorted(p for p in locales_dir.iterdir() if p.is_dir())
    except OSError:
        return found
    for folder in folders:
        path = folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        if _LANGUAGE_DIR.match(folder.name) and path.is_file():
            found[folder.name] = path
    return found


def _order(language: str) -> tuple[int, str]:
    if language in LANGUAGE_ORDER:
        return LANGUAGE_ORDER.index(language), language
    return len(LANGUAGE_ORDER), language


def catalogue_cache_dir() -> Path:
    """Where compiled catalogues are kept between starts (safe to delete)."""
    override = os.environ.get("SKILLCHECK_CACHE_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_cache_dir("skillcheck", appauthor=False)) / "catalogues"


def _cached_mo(language: str, po_bytes: bytes) -> Path:
    # A cache key, not a seal: length and CRC-32 tell an edited file from the one
    # compiled (zlib is loaded already; hashlib loads OpenSSL, ≈ 2 ms of start, issue 8).
    digest = f"{len(po_bytes):x}-{zlib.crc32(po_bytes):08x}"
    name = f"{language}-{digest}-{__version__}-{_CACHE_FORMAT}.mo"
    return catalogue_cache_dir() / name


def _write_cache(path: Path, data: bytes) -> None:
    """Keep a compiled catalogue; a cache that cannot be written only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
    except OSError as error:
        log.debug("catalogue cache not written (%s)", error)


def load_translator(language: str, path: Path) -> Translator:
    """One language's Translator; English (with a logged warning) if the file is unusable."""
    try:
        po_bytes = path.read_bytes()
    except OSError as error:
        log.warning("%s: cannot be read (%s); %s falls back to English", path, error, language)
        return Translator(language=language)
    cached = _cached_mo(language, po_bytes)
    try:
        with cached.open("rb") as fp:
            return Translator(language=language, catalogue=_gettext.GNUTranslations(fp))
    except (OSError, ValueError, UnicodeDecodeError):
        pass  # not compiled yet (or a damaged cache file): compile it below
    from skillcheck.catalogues import compile_catalogue

    data = compile_catalogue(language, path)
    if data is None:
        return Translator(language=language)
    _write_cache(cached, data)
    return Translator(language=language, catalogue=_gettext.GNUTranslations(io.BytesIO(data)))


def load_translators(locales_dir: Path) -> dict[str, Translator]:
    """One Translator per language found in `locales_dir`, English always, in offer order."""
    translators = {
        language: load_translator(language, path)
        for language, path in discover_languages(locales_dir).items()
    }
    translators.setdefault(SOURCE_LANGUAGE, Translator(language=SOURCE_LANGUAGE))
    return {language: translators[language] for language in sorted(translators, key=_order)}
