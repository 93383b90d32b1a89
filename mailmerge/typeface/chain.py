"""Font chains: per role, a list of fonts tried in order for every character.

In: text. Out: the text cut into runs, each with the first font of the chain that can draw all
of its characters (a base character and its variation selector stay together). A character no
font in the chain can draw raises MissingGlyphError naming its code points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from mailmerge.errors import MissingGlyphError
from mailmerge.typeface.face import FontFace

# Characters that are layout, not ink: a font without them still "has" them.
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\ufeff"}
_GRAPHEME = re.compile("(?s).[\ufe00-\ufe0f\U000e0100-\U000e01ef]*")


def graphemes(text: str) -> list[str]:
    """Each character together with the variation selectors that follow it, if any."""
    return _GRAPHEME.findall(text)


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
        """Cut `text` into (face, run) pieces; raise MissingGlyphError for an undrawable one."""
        if text and self._in_primary.issuperset(text):
            return [(self._loaded[0], text)]
        runs: list[tuple[FontFace, str]] = []
        for grapheme in graphemes(text):
            if grapheme in INVISIBLE:
                continue
            face = self.face_for(grapheme)
            if face is None:
                raise MissingGlyphError(grapheme, field)
            if runs and runs[-1][0] is face:
                runs[-1] = (face, runs[-1][1] + grapheme)
            else:
                runs.append((face, grapheme))
        return runs
