"""Font chains: per role, a list of fonts tried in order for every character.

In: text. Out: the text cut into runs, each with the first font of the chain that can draw all
of its characters (a base character and its variation selector stay together). When one
character of a word needs a fallback font, the whole word (a run of kanji, of kana or of
Latin letters and digits, see word_runs) is set in the first font that draws all of it, so no
single character changes style mid-word. A character no font in the chain can draw raises
MissingGlyphError naming its code points. The chain remembers each word it set in another face
than its first, for the run's notes (fallback_notes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from mailmerge.errors import MissingGlyphError
from mailmerge.i18n import _
from mailmerge.typeface.face import FontFace

# Characters that are layout, not ink: a font without them still "has" them.
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\ufeff"}
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_GRAPHEME = re.compile(f"(?s).[{_SELECTORS}]*")
# A word, for choosing its font: kanji (with 々〆ヶ and 様-like suffixes), hiragana, katakana
# (with ー) or Latin letters and digits, each with their variation selectors.
_WORD = re.compile(
    f"(?:[\u3005\u3006\u30f6\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
    f"[{_SELECTORS}]*)+"
    f"|(?:[\u3041-\u309f][{_SELECTORS}]*)+"
    f"|(?:[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f][{_SELECTORS}]*)+"
    f"|(?:[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u00c0-\u024f][{_SELECTORS}]*)+"
    f"|(?s:.)[{_SELECTORS}]*")


def graphemes(text: str) -> list[str]:
    """Each character together with the variation selectors that follow it, if any."""
    return _GRAPHEME.findall(text)


def _code_points(grapheme: str) -> str:
    """'葛󠄀' → 'U+845B U+E0100'."""
    return " ".join(f"U+{ord(char):04X}" for char in grapheme)


def word_runs(text: str) -> list[str]:
    """`text` cut into words for font choice: 葛󠄀城 / 様には → ['葛󠄀城様', 'には']."""
    return _WORD.findall(text)


class FontChain:
    """An ordered list of faces for one role (address, name, message, heading).

    Fallback fonts are opened only when a character first needs them.
    """

    def __init__(self, role: str, loaders: Sequence[Callable[[], FontFace]],
                 labels: Sequence[str]) -> None:
        self.role = role
        self.labels = tuple(labels)  # the font names as configured, for messages
        self._loaders = tuple(loaders)
        self._loaded: list[FontFace] = []
        self._choice: dict[str, FontFace | None] = {}
        self._drawable: set[str] = set(INVISIBLE)  # single characters some face draws
        self._in_primary: set[str] = set()  # single characters the first face draws
        self._fallbacks: dict[str, tuple[FontFace, ...]] = {}  # word → the faces it is set in

    @property
    def primary(self) -> FontFace:
        return self._face(0)

    @property
    def faces(self) -> tuple[FontFace, ...]:
        """Every face of the chain (opens them all)."""
        return tuple(self._face(i) for i in range(len(self._loaders)))

    def _face(self, index: int) -> FontFace:
        while len(self._loaded) <= index:
            self._loaded.append(self._loaders[len(self._loaded)]())
        return self._loaded[index]

    def face_for(self, grapheme: str) -> FontFace | None:
        """The first face that can draw this character (with its selector), or None."""
        if grapheme in self._choice:
            return self._choice[grapheme]
        base = grapheme[0]
        selector = grapheme[1] if len(grapheme) > 1 else None
        found = None
        for index in range(len(self._loaders)):
            face = self._face(index)
            if face.has_sequence(base, selector):
                found = face
                break
        self._choice[grapheme] = found
        if found is not None and found is self._loaded[0] and len(grapheme) == 1:
            self._in_primary.add(grapheme)
        return found

    def covers(self, text: str) -> bool:
        """True when some face draws every character of `text` (fast for repeated text)."""
        if self._drawable.issuperset(text):
            return True
        for grapheme in graphemes(text):
            if grapheme in INVISIBLE:
                continue
            if self.face_for(grapheme) is None:
                return False
            if len(grapheme) == 1:
                self._drawable.add(grapheme)
        return True

    def missing(self, text: str) -> list[str]:
        """Every grapheme of `text` that no face in the chain can draw, in order, once each."""
        found: list[str] = []
        for grapheme in graphemes(text):
            if grapheme in INVISIBLE or grapheme in found:
                continue
            if self.face_for(grapheme) is None:
                found.append(grapheme)
        return found

    def split(self, text: str, field: str | None = None) -> list[tuple[FontFace, str]]:
        """Cut `text` into (face, run) pieces; raise MissingGlyphError for an undrawable one.
        A word the first face cannot draw whole goes to the first face that draws all of it
        (or, when none does, each character to the first face that draws it)."""
        if text and self._in_primary.issuperset(text):
            return [(self._loaded[0], text)]
        runs: list[tuple[FontFace, str]] = []
        for word in word_runs(text):
            for face, part in self._word_pieces(word, field):
                if runs and runs[-1][0] is face:
                    runs[-1] = (face, runs[-1][1] + part)
                else:
                    runs.append((face, part))
        return runs

    def _word_pieces(self, word: str, field: str | None) -> list[tuple[FontFace, str]]:
        """One word's (face, text) pieces: one piece when a single face draws it all."""
        units = [g for g in graphemes(word) if g not in INVISIBLE]
        faces = []
        for grapheme in units:
            face = self.face_for(grapheme)
            if face is None:
                raise MissingGlyphError(grapheme, field)
            faces.append(face)
        if len(set(map(id, faces))) > 1:
            whole = self.face_for_all(units)
            if whole is not None:
                faces = [whole]
        if any(face is not self._loaded[0] for face in faces):
            self._fallbacks[word] = tuple(dict.fromkeys(faces))
        if len(faces) == 1:
            return [(faces[0], "".join(units))]
        return [(face, grapheme) for face, grapheme in zip(faces, units, strict=True)]

    def fallback_words(self) -> list[str]:
        """The words set in another face than the first so far (split them again in another
        process's chain to have its notes)."""
        return list(self._fallbacks)

    def fallback_notes(self) -> list[str]:
        """A note for each word set in another face than the first: which word, which
        characters the first face lacks, which face it is set in. (A part measured alone,
        such as one character of the word, has no note of its own.)"""
        primary = self.primary
        names = {id(self._face(i)): label for i, label in enumerate(self.labels)}
        notes = []
        for word, faces in self._fallbacks.items():
            if any(word != other and word in other for other in self._fallbacks):
                continue
            lacking = [g for g in graphemes(word) if g not in INVISIBLE
                       and not primary.has_sequence(g[0], g[1] if len(g) > 1 else None)]
            notes.append(_("「{word}」は {primary} にない字（{chars}）を含むので、{faces} で"
                           "組みました", word=word, primary=self.labels[0],
                           chars=", ".join(f"{g} {_code_points(g)}" for g in lacking),
                           faces=" / ".join(names[id(face)] for face in faces)))
        return notes

    def face_for_all(self, units: Sequence[str]) -> FontFace | None:
        """The first face that draws every one of these characters, or None."""
        for index in range(len(self._loaders)):
            face = self._face(index)
            if all(face.has_sequence(g[0], g[1] if len(g) > 1 else None) for g in units):
                return face
        return None
