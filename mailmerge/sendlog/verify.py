"""`hagaki log verify`: every logged card checked against its file.

In: an open SendLog. Out: VerifyResult: per file in place, whether it is there with the
logged checksum and enough pages for its cards; the problems, each naming file and cards.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field

from mailmerge.i18n import _, cards, ngettext
from mailmerge.sendlog.paths import RUN_SHEET_SUFFIX
from mailmerge.sendlog.store import SendLog, file_checksum


class VerifyResult(Struct):
    files: int = 0
    cards: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.problems:
            return [_("問題ありません: {files}、{cards}のはがきが記録どおりです",
                      files=_files(self.files), cards=cards(self.cards))]
        return [*self.problems, ngettext("{n} 件の問題があります（{files}、{cards}を確かめました）",
                                         "{n} 件の問題があります（{files}、{cards}を確かめました）",
                                         len(self.problems), files=_files(self.files),
                                         cards=cards(self.cards))]


def _files(count: int) -> str:
    return ngettext("{n} ファイル", "{n} ファイル", count)


def verify(log: SendLog) -> VerifyResult:
    """Check each run file still holding cards: present, unchanged, long enough; and that no
    run file (cards-….pdf) beside them carries cards the log does not know."""
    result = VerifyResult()
    result.problems += [_("{path} のはがきは記録にありません。同じお客様にもう一度印刷されて"
                          "いるかもしれないので、印刷せずに確かめてください", path=path)
                        for path in unlogged_run_files(log)]
    for file_row in log.run_files():
        if file_row["role"] == "docx":
            continue
        path = log.located(file_row["path"])
        cards = log.db.execute(
            "SELECT id, page FROM cards WHERE run_id = ? AND batch = ? AND status IN "
            "('printed', 'mailed', 'returned')", (file_row["run_id"], file_row["batch"])
        ).fetchall()
        if not cards:
            continue
        result.files += 1
        result.cards += len(cards)
        numbers = _numbers([card["id"] for card in cards])
        try:
            same = file_checksum(path) == file_row["checksum"]
        except OSError:
            result.problems.append(_("ファイルがありません: {path}（はがき {numbers}）",
                                     path=path, numbers=numbers))
            continue
        if not same:
            result.problems.append(_("ファイルが記録の後で変わっています: {path}"
                                     "（はがき {numbers}）", path=path, numbers=numbers))
            continue
        pages = file_row["pages"]
        beyond = [card["id"] for card in cards if pages is not None and card["page"] > pages]
        if beyond:
            result.problems.append(ngettext(
                "{path} は {n} ページしかありません（はがき {numbers} のページがありません）",
                "{path} は {n} ページしかありません（はがき {numbers} のページがありません）",
                pages, path=path, numbers=_numbers(beyond)))
    return result


def unlogged_run_files(log: SendLog) -> list[Path]:
    """Files named as hagaki names a run's files, in the folders of logged runs, that the log
    does not list (a run sheet is paperwork, not cards)."""
    logged = {log.located(row["path"]).resolve()
              for row in log.run_files(("in_place", "replaced"))}
    folders = {path.parent for path in logged}
    return sorted(path for folder in folders for path in folder.glob("cards-*.pdf")
                  if path.resolve() not in logged and not path.name.endswith(RUN_SHEET_SUFFIX))


def _numbers(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:5])
    if len(ids) <= 5:
        return shown
    return ngettext("{numbers} ほか {n:,}枚", "{numbers} ほか {n:,}枚", len(ids) - 5, numbers=shown)
