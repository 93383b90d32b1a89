"""One exception family: every failure a user can see is a HagakiError with a clear message."""

from __future__ import annotations

from mailmerge.i18n import _


class HagakiError(Exception):
    """Base of every user-facing failure; str(error) is the message shown to the user."""


class ConfigError(HagakiError):
    """hagaki.toml or a layout profile is missing, unreadable or holds a wrong value."""


class InputError(HagakiError):
    """An input file cannot be read as what it should be (not a customer list, bad encoding...)."""


class FontError(HagakiError):
    """A font cannot be found, opened or embedded."""


class CardError(HagakiError):
    """One card cannot be made; the run goes on without it.

    code: a stable problem code (glyph-missing, too-long, ...); field: the customer-list field.
    """

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class MissingGlyphError(CardError):
    """No font in a role's chain can draw a character (or variation sequence)."""

    def __init__(self, sequence: str, field: str | None = None) -> None:
        codes = " ".join(f"U+{ord(c):04X}" for c in sequence)
        super().__init__(
            "glyph-missing",
            _("{character}（{codes}）を描けるフォントがありません。"
              "この文字のある書体を設定の「書体」に加えるか、文字を直してください",
              character=repr(sequence), codes=codes),
            field,
        )
        self.sequence = sequence


class TooLongError(CardError):
    """Text cannot fit its place even after condensing, shrinking and adding columns."""

    def __init__(self, what: str, field: str | None = None) -> None:
        super().__init__(
            "too-long",
            _("{what} は、字を詰めて小さくしてもはがきに収まりません。"
              "短くするか、二つの欄に分けてください", what=what),
            field,
        )


class TemplateProblem(HagakiError):
    """A message template is wrong (syntax, an undefined name, a forbidden operation).

    Nothing is printed: the same template would fail on every card.
    """
