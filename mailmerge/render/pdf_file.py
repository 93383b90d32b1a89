"""The PDF file format itself: numbered objects, streams, object streams, cross-references.

In: object bodies as PDF syntax (bytes or ASCII text), added in any order, and numbers reserved
for objects whose body is known only later (the page tree, the shared resources). Out: the
complete file, written to a binary stream. Nothing else is decided here: pages, fonts and
images are written by the modules that know them.

The file is PDF 1.5: dictionaries (page objects above all: two per card) are packed into
compressed object streams and the cross-reference table is itself a compressed stream, which
takes about 300 bytes off every two-sided card. Written directly rather than through
reportlab's object model, whose per-object formatting cost 160 µs a page.
"""

from __future__ import annotations

import hashlib
import zlib
from typing import BinaryIO

HEADER = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
OBJECTS_PER_STREAM = 200
XREF_FIELD_WIDTHS = (1, 4, 2)  # entry type, offset or object stream, generation or index
# zlib's level 3: a card's streams compress in half the time of the default level 6, for
# about 13 % more bytes (measured on two-sided cards: 1.7 KB a card at 6, 1.9 KB at 3).
COMPRESSION_LEVEL = 3


class PdfFile:
    """Objects of one PDF, kept as finished bytes until `write`."""

    def __init__(self) -> None:
        self._bodies: list[bytes | None] = []
        self._streams: set[int] = set()  # object numbers of stream objects (never packed)

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
        number = self.add(_stream_body(data, entries, compress))
        self._streams.add(number)
        return number

    def write(self, stream: BinaryIO, root: int, info: int) -> None:
        """Write the whole file. `root` and `info` stay plain objects; other dictionaries go
        into object streams. The file identifier is a digest of the objects, so the same
        content gives the same bytes."""
        missing = [n for n, body in enumerate(self._bodies, start=1) if body is None]
        if missing:
            raise ValueError(f"PDF objects reserved but never written: {missing}")
        numbers = range(1, len(self._bodies) + 1)
        packed = [n for n in numbers if n not in self._streams and n not in (root, info)]
        plain = [n for n in numbers if n in self._streams or n in (root, info)]
        writer = _ObjectWriter(stream)
        for number in plain:
            writer.write(number, self._bodies[number - 1])
        next_number = len(self._bodies) + 1
        for start in range(0, len(packed), OBJECTS_PER_STREAM):
            group = packed[start : start + OBJECTS_PER_STREAM]
            for index, number in enumerate(group):
                writer.entries[number] = (2, next_number, index)
            writer.write(next_number, self._object_stream(group))
            next_number += 1
        digest = hashlib.md5(usedforsecurity=False)
        for body in self._bodies:
            digest.update(body)
        identifier = digest.hexdigest().upper()
        writer.finish(next_number, f"/Root {root} 0 R /Info {info} 0 R "
                      f"/ID [<{identifier}> <{identifier}>]")

    def _object_stream(self, numbers: list[int]) -> bytes:
        """An object stream holding these objects (their bodies, after a table of numbers
        and offsets)."""
        offsets = []
        bodies = []
        offset = 0
        for number in numbers:
            body = self._bodies[number - 1]
            offsets.append(f"{number} {offset}")
            bodies.append(body)
            offset += len(body) + 1
        table = (" ".join(offsets) + "\n").encode("ascii")
        return _stream_body(table + b"\n".join(bodies),
                            f"/Type /ObjStm /N {len(numbers)} /First {len(table)}", True)


class _ObjectWriter:
    """Writes numbered objects one after another, noting where each one starts."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        stream.write(HEADER)
        self.position = len(HEADER)
        # per object number: (entry type, offset or object stream, generation or index)
        self.entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}

    def write(self, number: int, body: bytes) -> None:
        chunk = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        self.entries[number] = (1, self.position, 0)
        self.stream.write(chunk)
        self.position += len(chunk)

    def finish(self, number: int, trailer_entries: str) -> None:
        """The cross-reference stream (object `number`, the last) and the file's end."""
        start = self.position
        self.entries[number] = (1, start, 0)
        rows = b"".join(_xref_row(*self.entries[n]) for n in range(number + 1))
        widths = " ".join(map(str, XREF_FIELD_WIDTHS))
        self.write(number, _stream_body(
            rows, f"/Type /XRef /Size {number + 1} /W [{widths}] {trailer_entries}", True))
        self.stream.write(b"startxref\n%d\n%%%%EOF\n" % start)


def _stream_body(data: bytes, entries: str, compress: bool) -> bytes:
    if compress:
        data = zlib.compress(data, COMPRESSION_LEVEL)
        entries = f"/Filter /FlateDecode {entries}"
    head = f"<< /Length {len(data)} {entries}".rstrip() + " >>\nstream\n"
    return head.encode("latin-1") + data + b"\nendstream"


def _xref_row(kind: int, second: int, third: int) -> bytes:
    widths = XREF_FIELD_WIDTHS
    return (kind.to_bytes(widths[0], "big") + second.to_bytes(widths[1], "big")
            + third.to_bytes(widths[2], "big"))


def text_string(text: str) -> str:
    """A PDF text string: literal for plain ASCII, UTF-16BE with a byte-order mark otherwise."""
    if text.isascii() and text.isprintable():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return f"<FEFF{text.encode('utf-16-be').hex().upper()}>"
