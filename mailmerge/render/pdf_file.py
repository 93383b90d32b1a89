"""The PDF file format itself: numbered objects, streams, the cross-reference table, trailer.

In: object bodies as PDF syntax (bytes or ASCII text), added in any order, and numbers reserved
for objects whose body is known only later (the page tree, the shared resources). Out: the
complete file, written to a binary stream. Nothing else is decided here: pages, fonts and
images are written by the modules that know them.

Written directly rather than through reportlab's object model, whose per-object formatting
cost 160 µs a page (most of a run's time once layout was fast); every body here is one string.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import BinaryIO

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


class PdfFile:
    """Objects of one PDF, kept as finished bytes until `to_bytes`."""

    def __init__(self) -> None:
        self._bodies: list[bytes | None] = []

    def reserve(self) -> int:
        """A number for an object whose body comes later (`put`)."""
        self._bodies.append(None)
        return len(self._bodies)

    def put(self, number: int, body: str | bytes) -> None:
        """Give a reserved object its body."""
        self._bodies[number - 1] = body.encode("latin-1") if isinstance(body, str) else body

    def add(self, body: str | bytes) -> int:
        """Add an object; return its number."""
        number = self.reserve()
        self.put(number, body)
        return number

    def add_stream(self, data: bytes, entries: str = "", compress: bool = True) -> int:
        """Add a stream object (Flate-compressed unless `compress` is False or the data is
        already encoded, named in `entries`, e.g. "/Filter /DCTDecode")."""
        if compress:
            data = zlib.compress(data, 6)
            entries = f"/Filter /FlateDecode {entries}"
        head = f"<< /Length {len(data)} {entries}".rstrip() + " >>\nstream\n"
        return self.add(head.encode("latin-1") + data + b"\nendstream")

    def write(self, stream: BinaryIO, root: int, info: int) -> None:
        """Write the whole file: header, objects, cross-reference table and trailer. The file
        identifier is a digest of the objects, so the same content gives the same bytes."""
        missing = [n for n, body in enumerate(self._bodies, start=1) if body is None]
        if missing:
            raise ValueError(f"PDF objects reserved but never written: {missing}")
        stream.write(HEADER)
        offsets = []
        position = len(HEADER)
        digest = hashlib.md5(usedforsecurity=False)
        for number, body in enumerate(self._bodies, start=1):
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
            offsets.append(position)
            stream.write(chunk)
            position += len(chunk)
            digest.update(body)
        identifier = digest.hexdigest().upper()
        rows = "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
        stream.write(
            f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n{rows}"
            f"trailer\n<< /Size {len(offsets) + 1} /Root {root} 0 R /Info {info} 0 R "
            f"/ID [<{identifier}> <{identifier}>] >>\nstartxref\n{position}\n%%EOF\n"
            .encode("latin-1"))


def text_string(text: str) -> str:
    """A PDF text string: literal for plain ASCII, UTF-16BE with a byte-order mark otherwise."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"
