"""The files a shop folder holds for the web app: which customer and sales lists to read, and
where an uploaded list is stored.

In: the shop folder, and an upload (its kind, its file name and its bytes). Out: the paths of
the lists to read, and the path an upload was written to. A name from the request is never a
path: only its suffix is read (from an allowed list), and the stored name is fixed by the kind
(customers.csv, sales.xlsx …), so an upload can never reach hagaki.toml, the send log or a
folder outside the shop.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _

KINDS = {"customers": N_("顧客リスト"), "sales": N_("売上リスト")}
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a shop's list is far smaller; a larger body is refused


class UploadError(HagakiError):
    """An upload that cannot be stored (wrong kind, type or size)."""


@dataclass(frozen=True)
class ShopFiles:
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

    def store(self, kind: str, file_name: str, content: bytes) -> Path:
        """Write an uploaded list as KIND.SUFFIX in the shop folder (atomically); the name
        sent by the browser gives only the suffix."""
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
        target = self.folder / f"{kind}{suffix}"
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", suffix=".part", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    def download(self, name: str) -> Path | None:
        """A PDF of the shop folder named exactly `name` (no folders; not a link leading out of
        the folder), else None."""
        if not name or name != Path(name).name or not name.lower().endswith(".pdf"):
            return None
        path = self.folder / name
        if not path.is_file() or path.resolve().parent != self.folder.resolve():
            return None
        return path
