"""Checking where a command will write, before it writes anything.

In: the output paths of one command, the files it reads, and whether existing files may be
replaced. Out: nothing, or OutputError naming the path and what to do: an output is never
an input (customer list, sales, settings, template, image, the send log), never the same
file twice, never a folder; its folder exists and can be written; the disk has room.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from mailmerge.errors import HagakiError
from mailmerge.i18n import _

SPARE_BYTES = 1024 * 1024  # left free on the disk beyond what a run needs


class OutputError(HagakiError):
    """An output path that must not or cannot be written."""


def log_files(log_path: Path) -> list[Path]:
    """The send log and the files SQLite keeps beside it."""
    return [log_path, *(log_path.with_name(log_path.name + end) for end in ("-wal", "-shm"))]


def check_outputs(outputs: Iterable[Path], inputs: Iterable[Path | None],
                  replace: bool = True, suffixes: tuple[str, ...] = (),
                  shop_lists: Iterable[Path] = ()) -> None:
    """Refuse outputs that are inputs, the names of the shop's own lists (Shop.lists, there or
    not yet), repeated, folders, in missing or read-only folders, named with another suffix
    than `suffixes` (when given), or (unless `replace`) already there."""
    protected = {_key(path): path for path in inputs if path is not None}
    reserved = {_key(path) for path in shop_lists}
    seen: dict[str, Path] = {}
    for output in outputs:
        if suffixes and output.suffix.lower() not in suffixes:
            raise OutputError(
                _("{output}: 書き出すファイルの名前は {suffixes} で終わるようにしてください",
                  output=output, suffixes=suffixes[0]) if len(suffixes) == 1 else
                _("{output}: 書き出すファイルの名前は {suffixes} のどれかで終わるように"
                  "してください", output=output, suffixes=", ".join(suffixes)))
        key = _key(output)
        if key in protected:
            raise OutputError(_("{output} は読み込むファイル（{input}）です。"
                                "上書きしないよう、別の出力先を指定してください",
                                output=output, input=protected[key]))
        if key in reserved:
            raise OutputError(_("{output} は店の顧客リスト・売上リストの名前です（hagaki serve "
                                "はこの名前のファイルをリストとして読みます）。別の名前にして"
                                "ください（例: report{suffix}）", output=output,
                                suffix=output.suffix))
        if key in seen:
            raise OutputError(_("{output} に二つの出力を書こうとしています。"
                                "別の名前にしてください", output=output))
        seen[key] = output
        if output.is_dir():
            raise OutputError(_("{output} はフォルダです。ファイル名を指定してください",
                                output=output))
        folder = output.parent
        if not folder.is_dir():
            raise OutputError(_("出力先のフォルダがありません: {folder}", folder=folder))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(_("出力先のフォルダに書き込めません: {folder}", folder=folder))
        if output.exists() and not os.access(output, os.W_OK):
            raise OutputError(_("{output} は書き込み禁止です", output=output))
        if output.exists() and not replace:
            raise OutputError(_("{output} は既にあります。別の名前にするか、"
                                "--replace で置き換えてください", output=output))


def check_space(folder: Path, needed_bytes: int) -> None:
    """Refuse to start when the disk clearly cannot hold what the run will write."""
    free = shutil.disk_usage(folder).free
    if free < needed_bytes + SPARE_BYTES:
        raise OutputError(_("ディスクの空きが足りません: {folder} に {free:,} KB、"
                            "必要なのは約 {needed:,} KB です", folder=folder,
                            free=free // 1024, needed=(needed_bytes + SPARE_BYTES) // 1024))


def describe_os_error(error: OSError, what: Path | str) -> str:
    """One line for a failed write: which file, and the likely fix."""
    if error.errno in (28, 122):  # ENOSPC, EDQUOT
        return _("ディスクがいっぱいで {what} を書けませんでした。"
                 "空きを作ってからもう一度実行してください", what=what)
    if error.errno == 17:  # EEXIST: written by another run or program meanwhile
        return _("{what} は、この印刷の途中でほかの印刷かプログラムが作りました。上書きせずに"
                 "止めました（記録も変えていません）。別の名前にするか、--replace で置き換えて"
                 "ください", what=what)
    if error.errno in (13, 30, 1):  # EACCES, EROFS, EPERM
        return _("{what} に書き込めません（権限がありません）。"
                 "書き込めるフォルダを指定してください", what=what)
    return _("{what} を書けませんでした（{reason}）", what=what,
             reason=error.strerror or error)


def _key(path: Path) -> str:
    """Paths compared as the file they name: an existing file by its inode (hard links and
    symlinks included), another by its resolved path."""
    try:
        status = path.stat()
    except OSError:
        return os.path.normcase(str(path.expanduser().resolve()))
    return f"inode:{status.st_dev}:{status.st_ino}"
