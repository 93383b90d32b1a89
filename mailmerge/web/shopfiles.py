"""The files a shop folder holds for the web app: which customer and sales lists to read, and
where an uploaded list is stored.

In: the shop folder, and an upload (its kind, its file name, its bytes and a check that it
reads as a list). Out: the paths of the lists to read, and where an upload was written and
where the list it replaced was kept. A name from the request is never a path: only its suffix
is read (from an allowed list), and the stored name is fixed by the kind (customers.csv,
sales.xlsx …), so an upload can never reach hagaki.toml, the send log or a folder outside the
shop. A list is replaced only by one that reads as a list, and the one replaced is kept in
hagaki-uploads/ with the time it was replaced (nothing lost).
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from msgspec import Struct

from mailmerge import clock
from mailmerge.atomic import atomic_write
from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _
from mailmerge.shop.folder import LIST_SUFFIXES

KINDS = {"customers": N_("顧客リスト"), "sales": N_("売上リスト")}
SUFFIXES = LIST_SUFFIXES
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a shop's list is far smaller; a larger body is refused
KEPT_FOLDER = "hagaki-uploads"  # the lists an upload replaced
PENDING = "pending-"  # an upload kept there until its columns are mapped


class UploadError(HagakiError):
    """An upload that cannot be stored (wrong kind, type or size, or not read as its list:
    `refused` is then the reader's own error)."""

    def __init__(self, message: str, refused: HagakiError | None = None) -> None:
        super().__init__(message)
        self.refused = refused


def _suffix(kind: str, file_name: str, content: bytes) -> str:
    """The suffix an upload is stored under; UploadError for a wrong kind, type or size."""
    if kind not in KINDS:
        raise UploadError(_("アップロードの種類が違います: {kind}（顧客リストか売上リスト）",
                            kind=kind))
    suffix = Path(file_name.replace("\\", "/")).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError(_("{kind}は CSV・TSV・XLSX のファイルにしてください"
                            "（送られたファイル: {name}）", kind=_(KINDS[kind]),
                            name=Path(file_name).name or _("名前なし")))
    if not content:
        raise UploadError(_("{kind}のファイルが空です", kind=_(KINDS[kind])))
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(_("{kind}が大きすぎます（{limit} MB まで）", kind=_(KINDS[kind]),
                            limit=MAX_UPLOAD_BYTES // 2**20))
    return suffix


def _checked_as(check: Callable[[Path], None], temporary: Path, name: str) -> None:
    """Run `check` on the temporary copy; its refusal names the file the owner sent."""
    try:
        check(temporary)
    except HagakiError as refused:
        raise UploadError(str(refused).replace(str(temporary), name), refused) from None


class Stored(Struct, frozen=True):
    """An upload written: the list's path, and where the lists it replaced were kept."""

    path: Path
    kept: list[Path]


class ShopFiles(Struct, frozen=True):
    """The lists the app reads, found in the shop folder by their fixed names."""

    folder: Path

    def customers(self) -> Path | None:
        return self._newest("customers")

    def sales(self) -> Path | None:
        return self._newest("sales")

    def _newest(self, kind: str) -> Path | None:
        """customers.csv, .tsv, .txt or .xlsx: the one changed last, when there are several."""
        found = [self.folder / f"{kind}{suffix}" for suffix in SUFFIXES]
        found = [path for path in found if path.is_file()]
        return max(found, key=lambda path: path.stat().st_mtime_ns) if found else None

    def store(self, kind: str, file_name: str, content: bytes,
              check: Callable[[Path], None]) -> Stored:
        """Write an uploaded list as KIND.SUFFIX in the shop folder (atomically) once `check`
        read it as a list (it raises HagakiError otherwise: nothing is replaced); the lists it
        replaces are kept in hagaki-uploads/. The name sent by the browser gives only the
        suffix."""
        suffix = _suffix(kind, file_name, content)
        target = self.folder / f"{kind}{suffix}"
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", suffix=f".part{suffix}",
                                             dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.chmod(temporary, 0o644)  # as the shop's other files (mkstemp makes it private)
            _checked_as(check, Path(temporary), Path(file_name).name or kind + suffix)
            kept = [self._keep(path, move=path != target) for path in self._all(kind)]
            os.replace(temporary, target)  # the same name: swapped at once, never missing
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return Stored(target, kept)

    def hold(self, kind: str, file_name: str, content: bytes) -> Path:
        """Keep an upload that did not read as a list as hagaki-uploads/pending-KIND.SUFFIX
        (replacing an earlier one), for the page that maps its columns."""
        suffix = _suffix(kind, file_name, content)
        for earlier in self._pending_all(kind):
            earlier.unlink()
        (self.folder / KEPT_FOLDER).mkdir(exist_ok=True)
        target = self.folder / KEPT_FOLDER / f"{PENDING}{kind}{suffix}"
        with atomic_write(target) as stream:
            stream.write(content)
        return target

    def pending(self, kind: str) -> Path | None:
        """The upload held for its columns to be mapped, if any."""
        return next(iter(self._pending_all(kind)), None)

    def _pending_all(self, kind: str) -> list[Path]:
        folder = self.folder / KEPT_FOLDER
        return [path for path in (folder / f"{PENDING}{kind}{suffix}" for suffix in SUFFIXES)
                if path.is_file()]

    def _all(self, kind: str) -> list[Path]:
        return [path for path in (self.folder / f"{kind}{suffix}" for suffix in SUFFIXES)
                if path.is_file()]

    def _keep(self, path: Path, move: bool) -> Path:
        """Keep a list about to be replaced in hagaki-uploads/, named for the time: a copy
        (a hard link where the file system has them), or the file itself with `move`."""
        folder = self.folder / KEPT_FOLDER
        folder.mkdir(exist_ok=True)
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")
        kept = folder / f"{path.stem}-{stamp}{path.suffix}"
        number = 1
        while kept.exists():
            number += 1
            kept = folder / f"{path.stem}-{stamp}-{number}{path.suffix}"
        if move:
            os.replace(path, kept)
        else:
            try:
                os.link(path, kept)
            except OSError:
                shutil.copy2(path, kept)
        return kept

    def download(self, name: str) -> Path | None:
        """A PDF of the shop folder named exactly `name`: a regular file there, not a link
        (even to another file of the folder), else None."""
        if not name or name != Path(name).name or not name.lower().endswith(".pdf"):
            return None
        path = self.folder.resolve() / name  # its real path, when it is no link itself
        try:
            return path if stat.S_ISREG(path.lstat().st_mode) else None
        except OSError:
            return None
