"""`hagaki log verify`: every logged card checked against its file.

In: an open SendLog. Out: VerifyResult: per file in place, whether it is there with the
logged checksum and enough pages for its cards; the problems, each naming file and cards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mailmerge.sendlog.store import SendLog, file_checksum


@dataclass
class VerifyResult:
    files: int = 0
    cards: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if not self.problems:
            return [f"問題ありません: {self.files} ファイル、{self.cards} 枚のはがきが"
                    "記録どおりです"]
        return [*self.problems, f"{len(self.problems)} 件の問題があります "
                f"（{self.files} ファイル、{self.cards} 枚を確かめました）"]


def verify(log: SendLog) -> VerifyResult:
    """Check each run file still holding cards: present, unchanged, long enough."""
    result = VerifyResult()
    for file_row in log.run_files():
        if file_row["role"] == "docx":
            continue
        path = Path(file_row["path"])
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
            result.problems.append(f"ファイルがありません: {path}（はがき {numbers}）")
            continue
        if not same:
            result.problems.append(f"ファイルが記録の後で変わっています: {path}"
                                   f"（はがき {numbers}）")
            continue
        pages = file_row["pages"]
        beyond = [card["id"] for card in cards if pages is not None and card["page"] > pages]
        if beyond:
            result.problems.append(f"{path} は {pages} ページしかありません（はがき "
                                   f"{_numbers(beyond)} のページがありません）")
    return result


def _numbers(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:5])
    return shown + (f" ほか {len(ids) - 5} 枚" if len(ids) > 5 else "")
