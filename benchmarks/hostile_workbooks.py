"""Benchmark: reading hostile and large .xlsx workbooks, each in a fresh process.

For each workbook: its size on disk, what the reader did (rows read or the error it gave),
seconds and peak resident memory of the process (VmHWM: the interpreter with hagaki imported
is measured alone first, as the floor). --openpyxl also times openpyxl's own read-only reader
on the same files (what hagaki used before), stopped after --timeout seconds.
Usage: python benchmarks/hostile_workbooks.py [--openpyxl] [--record benchmarks/RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine  # noqa: E402

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADERS = ["顧客ID", "姓", "名", "敬称", "郵便番号", "住所1", "住所2", "連名"]

# Run in the child: read with hagaki's table reader, or with openpyxl as hagaki did before.
CHILD = r"""
import json, sys, time
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
import openpyxl
from mailmerge.errors import InputError
from mailmerge.sources.tables import open_table
start = time.perf_counter()
outcome = ""
rows = 0
if mode == "floor":
    outcome = "imports only"
elif mode == "hagaki":
    try:
        table = open_table(path)
        for row in table.rows:
            rows += 1
        outcome = f"{rows:,} rows"
    except InputError as error:
        outcome = "InputError: " + str(error).split(": ", 1)[1][:70]
else:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows += 1
        outcome = f"{rows:,} rows"
    except Exception as error:
        outcome = f"{type(error).__name__} after {rows:,} rows"
seconds = time.perf_counter() - start
status = Path("/proc/self/status").read_text()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024  # this process only, after exec
print(json.dumps({"seconds": seconds, "peak": peak, "outcome": outcome}))
"""


def write_workbook(path: Path, rows: Callable[[], object], shared: list[str] | None = None,
                   dimension: str = "A1") -> Path:
    """A one-sheet workbook whose <sheetData> is written piece by piece from `rows()`."""
    relations = [f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/s1.xml"/>']
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/s1.xml", "worksheet")]
    if shared is not None:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kinds}.{kind}+xml"/>'
                      for name, kind in overrides) + "</Types>"))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="顧客" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'))
        if shared is not None:
            relations.append(f'<Relationship Id="rId2" Type="{REL}/sharedStrings" '
                             'Target="sharedStrings.xml"/>')
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
                stream.write(f'<sst xmlns="{MAIN}">'.encode())
                for text in shared:
                    stream.write(f"<si><t>{text}</t></si>".encode())
                stream.write(b"</sst>")
        archive.writestr("xl/_rels/workbook.xml.rels",
                         f'<Relationships xmlns="{PACKAGE}">{"".join(relations)}</Relationships>')
        with archive.open("xl/worksheets/s1.xml", "w", force_zip64=True) as stream:
            stream.write(f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/>'
                         "<sheetData>".encode())
            for piece in rows():
                stream.write(piece.encode())
            stream.write(b"</sheetData></worksheet>")
    return path


def letter(number: int) -> str:
    text = ""
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def inline_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{letter(i + 1)}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
                    for i, v in enumerate(values) if v)
    return f'<row r="{number}">{cells}</row>'


def customer(n: int) -> list[str]:
    return [f"C{n:06}", "髙橋", f"太郎{n}", "様", "160-0023", f"東京都新宿区西新宿{n % 9 + 1}-8-1",
            f"ｳｴｽﾄﾀﾜｰ{n % 500}号", "花子" if n % 7 == 0 else ""]


def build(folder: Path) -> list[tuple[str, Path]]:
    """The workbooks measured: (description, path)."""
    sparse = write_workbook(folder / "sparse.xlsx", lambda: [
        inline_row(1, HEADERS), inline_row(1048576, customer(1))], dimension="A1:XFD1048576")
    empty_wide = " ".join(f'<c r="{letter(c)}{{row}}" s="1"/>' for c in range(9, 16385))

    def wide_rows():
        yield inline_row(1, HEADERS)
        for n in range(2, 302):
            yield inline_row(n, customer(n))[:-6] + empty_wide.replace("{row}", str(n)) + "</row>"

    wide = write_workbook(folder / "wide.xlsx", wide_rows, dimension="A1:XFD301")
    far = write_workbook(folder / "far-column.xlsx", lambda: [
        inline_row(1, HEADERS), '<row r="2"><c r="XFD2"><v>1</v></c></row>'])
    bomb = write_workbook(folder / "strings-bomb.xlsx", lambda: [inline_row(1, HEADERS)],
                          shared=["あ"] * 28_000_000)
    under = write_workbook(folder / "strings-at-limit.xlsx", lambda: [inline_row(1, HEADERS)],
                           shared=[f"新宿区{n:07}" for n in range(990_000)])

    def normal_rows():
        yield '<row r="1">' + "".join(
            f'<c r="{letter(i + 1)}1" t="s"><v>{i}</v></c>' for i in range(len(HEADERS))) + "</row>"
        for n in range(2, 100_002):
            values = customer(n)
            cells = "".join(f'<c r="{letter(i + 1)}{n}" t="s"><v>{texts[v]}</v></c>'
                            for i, v in enumerate(values) if v)
            yield f'<row r="{n}">{cells}</row>'

    texts: dict[str, int] = {}
    for value in HEADERS:
        texts.setdefault(value, len(texts))
    for n in range(2, 100_002):
        for value in customer(n):
            if value:
                texts.setdefault(value, len(texts))
    normal = write_workbook(folder / "normal-100k.xlsx", normal_rows, shared=list(texts),
                            dimension="A1:H100001")
    return [("sparse: dimension A1:XFD1048576, a cell in row 1,048,576", sparse),
            ("wide: 300 rows × 16,384 cells (all but 8 empty)", wide),
            ("a value in column XFD", far),
            ("28 million shared strings (unpacks to 504 MB)", bomb),
            ("990,000 distinct shared strings (just under the limits)", under),
            ("normal: 100,000 customers, 8 columns, shared strings", normal)]


def measure(mode: str, path: Path, timeout: float) -> dict:
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, mode, str(path)], check=True,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"seconds": timeout, "peak": float("nan"),
                "outcome": f"stopped after {timeout:.0f} s"}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl's reader")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    floor = measure("floor", Path("-"), args.timeout)
    lines = [f"Reading hostile workbooks ({machine()}); each in a fresh process. Floor: "
             f"Python with hagaki and openpyxl imported, {floor['peak']:.0f} MB.", "",
             "| workbook | size KB | reader | outcome | seconds | peak MB |",
             "| --- | ---: | --- | --- | ---: | ---: |"]
    with tempfile.TemporaryDirectory() as folder:
        for description, path in build(Path(folder)):
            size = path.stat().st_size / 1024
            modes = ["hagaki", "openpyxl"] if args.openpyxl else ["hagaki"]
            for mode in modes:
                result = measure(mode, path, args.timeout)
                line = (f"| {description} | {size:,.0f} | {mode} | {result['outcome']} | "
                        f"{result['seconds']:.2f} | {result['peak']:.0f} |")
                print(line, flush=True)
                lines.append(line)
    if args.record:
        with args.record.open("a", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
