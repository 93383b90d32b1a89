"""One message catalogue for the CLI and the web app (gettext; the msgids are the Japanese text).

Japanese is the source language: `_("…")` returns the text as written when the language is
"ja", and its English translation from mailmerge/i18n/locale/en/LC_MESSAGES/hagaki.mo when it is
"en". The language lives in a context variable, so each web request has its own; when nothing
set it, HAGAKI_LANG or the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) decides: Japanese for a
Japanese locale, English otherwise.

Marking text: `_("…{name}…", name=value)` translates, then fills the fields (str.format);
`ngettext("{n:,}枚", "{n:,}枚", n)` picks the English singular or plural and fills `n`;
`N_("…")` only marks a constant for the catalogue (translate it with `_` where it is shown).
Card content (greetings, honorifics, the words printed on a card) is never marked.
"""

from __future__ import annotations

import functools
import gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DOMAIN = "hagaki"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("ja", "en")
SOURCE_LANGUAGE = "ja"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: ContextVar[str | None] = ContextVar("hagaki_language", default=None)


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """ "ja" or "en": HAGAKI_LANG if set to one of them, else the first locale variable set
    (Japanese for ja_*, English for anything else, C included)."""
    environ = os.environ if environ is None else environ
    wanted = environ.get("HAGAKI_LANG", "").strip().lower()
    if wanted in LANGUAGES:
        return wanted
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "ja" if value.split(":")[0].lower().startswith("ja") else "en"
    return "en"


def language() -> str:
    """The language text is shown in now."""
    return _chosen.get() or language_from_environment()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Show text in `lang` ("ja"/"en") inside the block (this thread or task only)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    token = _chosen.set(lang)
    try:
        yield
    finally:
        _chosen.reset(token)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue for `lang` (Japanese needs none: the msgids are Japanese)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def _(message: str, /, **fields) -> str:
    """`message` in the current language, its {fields} filled in."""
    text = translations(language()).gettext(message)
    return text.format(**fields) if fields else text


def ngettext(singular: str, plural: str, n: int, /, **fields) -> str:
    """The singular or plural form for `n`, with {n} and the other fields filled in."""
    text = translations(language()).ngettext(singular, plural, n)
    return text.format(n=n, **fields)


def pgettext(context: str, message: str, /, **fields) -> str:
    """`message` translated in a context, for short words meaning different things in English."""
    text = translations(language()).pgettext(context, message)
    return text.format(**fields) if fields else text


def N_(message: str) -> str:
    """Mark a constant for the catalogue; it is translated where it is shown."""
    return message


def yen(amount: float) -> str:
    """An amount of yen written the one way each language writes it: 1,234円 / ¥1,234."""
    return _("{amount:,.0f}円", amount=amount)


def cards(n: int) -> str:
    """A number of cards: 1枚 / 1 card, 2,000枚 / 2,000 cards."""
    return ngettext("{n:,}枚", "{n:,}枚", n)
