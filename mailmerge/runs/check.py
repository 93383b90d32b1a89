"""`hagaki check`: every problem of a customer list (and sales list) before printing.

In: the customer file, optionally a sales file, settings and read options. Out: CheckReport
with the row count, how many rows would print, and every Problem (file, row, column, code).
Cards are checked the way `print` lays them out: a character no font draws (glyph-missing)
and text that cannot fit (too-long). Rows whose text is short enough to fit for certain are
checked for glyphs only; the others are laid out in full.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mailmerge.errors import CardError
from mailmerge.i18n import N_, _, ngettext
from mailmerge.layout.address_side import AddressFonts, address_side
from mailmerge.layout.columns import MIN_CONDENSE
from mailmerge.layout.profiles import Area, CardProfile, load_profile
from mailmerge.layout.units import pt_to_mm
from mailmerge.models import Customer, Problem
from mailmerge.runs.cards import check_sender
from mailmerge.runs.fontcheck import address_side_texts
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import FIELD_LABELS, ReadOptions
from mailmerge.sources.sourceset import sales_for, scan_customers
from mailmerge.typeface.roles import FontRoles

WHAT_TO_DO = {
    "missing-name": N_("姓・名を、会社なら会社名を入れてください"),
    "missing-address": N_("住所（住所1）を入れてください"),
    "postal-format": N_("郵便番号を 7 けたで書いてください（例: 100-0001）"),
    "postal-unknown": N_("住所から郵便番号を調べてください（日本郵便の郵便番号検索）"),
    "postal-mismatch": N_("郵便番号か住所を直して、合うようにしてください"),
    "postal-catch-all": N_("町の郵便番号にしてください（xxx-0000 は町の番号がない所の番号です）"),
    "postal-missing": N_("住所から調べた郵便番号を入れてください"),
    "duplicate": N_("お客様 1 人につき 1 行にしてください"),
    "glyph-missing": N_("その文字のあるフォントを [fonts] に加えるか、文字を直してください"),
    "too-long": N_("短くするか、二つの欄に分けてください"),
    "bad-date": N_("日付は 2026-11-23 のように書いてください"),
    "bad-amount": N_("金額は数字だけで書いてください"),
    "unknown-customer": N_("顧客リストにお客様を加えるか、顧客IDを直してください"),
    "returned": N_("住所を直してください（直した住所には次から送ります）"),
    "generated-id": N_("顧客IDの列を作ると、行の順や住所を直しても同じお客様として扱えます"),
    "newline-in-field": N_("セルの中の改行（Alt+Enter）を消してください"),
    "control-character": N_("見えない制御文字を消してください（別のソフトから貼り付けた文字など）"),
    "formula-error": N_("Excel で数式のエラー（#REF! など）を直してから保存してください"),
    "formula-not-computed": N_("Excel で開いて保存し直すと、数式の結果が保存されます"),
    "merged": N_("同じお客様を 1 人にまとめました（違う人なら名前か電話番号を直してください）"),
    "address-conflict": N_("新しい住所を使います。"
                           "古い住所が正しければ新しいファイルを直してください"),
    "cancelled-order": N_("キャンセルされた注文は売上に数えません"),
}


@dataclass
class CheckReport:
    customers_file: str
    rows: int = 0
    printable: int = 0
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (file, problem)
    sales_file: str | None = None
    sales_rows: int = 0
    notes: list[str] = field(default_factory=list)  # "orders.csv: BASE の注文データとして…"

    @property
    def errors(self) -> int:
        return sum(1 for _, p in self.problems if p.severity == "error")

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "printable": self.printable,
            "sales_rows": self.sales_rows,
            "notes": self.notes,
            "problems": [
                {"file": kind, "row": p.row, "customer_id": p.customer_id, "column": p.column,
                 "code": p.code, "severity": p.severity, "message": p.message}
                for kind, p in self.problems
            ],
        }


def check_files(customers_path: Path, settings: Settings, options: ReadOptions | None = None,
                sales_path: Path | None = None, layout: str | None = None,
                log_path: Path | None = None) -> CheckReport:
    """Check a customer list (and sales list) completely; nothing is printed. A [sender] that
    print would refuse is refused here too (ConfigError), once. With the shop's send log, a
    customer whose card came back (宛所不明) to the address still in the list is a warning."""
    options = options or ReadOptions()
    report = CheckReport(str(customers_path))
    card_checker = CardChecker(settings, load_profile(layout or settings.layout))
    check_sender(settings, card_checker.fonts, True, card_checker.profile)  # once, not per row
    ids: set[str] = set()
    problems: list[Problem] = []
    sources = scan_customers(customers_path, options)  # may refuse the file: before the log
    log = SendLog.existing(log_path) if log_path is not None else None
    try:
        for customer, row_problems in sources:
            report.rows += 1
            ids.add(customer.customer_id)
            if not any(p.severity == "error" for p in row_problems):
                row_problems = row_problems + card_checker.problems(customer)
                row_problems += _returned(customer, log, str(customers_path))
            if not any(p.severity == "error" for p in row_problems):
                report.printable += 1
            problems.extend(row_problems)
    finally:
        if log is not None:
            log.close()
    report.problems = [("customers", p) for p in problems]
    sales = sales_for(sources, ids, sales_path, options)
    report.notes = sources.notes
    if sales is not None:
        report.sales_file = str(sales_path or sales.path)
        report.sales_rows = sales.total_rows
        report.problems += [("sales", p) for p in sales.problems]
    return report


def _returned(customer: Customer, log: SendLog | None, file: str) -> list[Problem]:
    card = log.returned(customer) if log is not None else None
    if card is None:
        return []
    return [Problem(customer.row, customer.customer_id, FIELD_LABELS["address1"], "returned",
                    "warning", _("{date} のはがき（{card} 番）が宛所不明で"
                                 "戻りました。住所を直すまで送りません",
                                 date=card.card_date, card=card.card_id), file)]


class CardChecker:
    """Finds glyph-missing and too-long problems the way `print` would meet them."""

    def __init__(self, settings: Settings, profile: CardProfile) -> None:
        roles = FontRoles(settings)
        self.settings = settings
        self.profile = profile
        self.fonts = AddressFonts(roles.chain("address"), roles.chain("name"))

    def problems(self, customer: Customer) -> list[Problem]:
        if self._surely_fits(customer):
            return self._glyph_problems(customer)
        try:
            address_side(customer, self.settings.sender, self.profile, self.fonts,
                         self.settings.numerals)
        except CardError as error:
            return [Problem(customer.row, customer.customer_id, error.field or "", error.code,
                            "error", str(error))]
        return []

    def _glyph_problems(self, customer: Customer) -> list[Problem]:
        chains = {"name": self.fonts.name, "address": self.fonts.address}
        for role, column, text in address_side_texts(customer, self.settings.numerals):
            chain = chains[role]
            if chain.covers(text):
                continue
            try:
                chain.split(text, column)
            except CardError as error:
                return [Problem(customer.row, customer.customer_id, column, error.code,
                                "error", str(error))]
        return []

    def _surely_fits(self, customer: Customer) -> bool:
        """True when the text fits by condensing alone, counting one em per character (no
        character is longer), and there is at most one 連名; otherwise lay the card out."""
        profile = self.profile

        def room(area: Area) -> float:
            return (area.bottom - area.top) / pt_to_mm(area.size_pt) / MIN_CONDENSE

        name_length = (len(customer.family_name) + len(customer.given_name) + 2
                       + len(customer.honorific or "様") + len(customer.title)
                       + max((len(j) for j in customer.joint_names), default=0))
        return (len(customer.joint_names) < 2
                and len(customer.address1) <= room(profile.address)
                and len(customer.address2) + profile.address_indent_em <= room(profile.address)
                and name_length <= room(profile.recipient_name)
                and max(len(customer.company), len(customer.department)) <= room(profile.company))


def format_text(report: CheckReport) -> list[str]:
    """The report for people: counts, then problems grouped by code with what to do."""
    warnings = sum(1 for _kind, p in report.problems if p.severity == "warning")
    lines = [*report.notes,
             _("{file}: {rows}、{printable}、{errors}、{warnings}", file=report.customers_file,
               rows=ngettext("{n:,}行", "{n:,}行", report.rows),
               printable=ngettext("印刷できるのは {n:,}行", "印刷できるのは {n:,}行",
                                  report.printable),
               errors=_counted("error", report.errors),
               warnings=_counted("warning", warnings))]
    if report.sales_file:
        lines.append(ngettext("{file}: 売上 {n:,}行", "{file}: 売上 {n:,}行", report.sales_rows,
                              file=report.sales_file))
    codes: dict[str, list[tuple[str, Problem]]] = {}
    for kind, problem in report.problems:
        codes.setdefault(problem.code, []).append((kind, problem))
    for code, entries in codes.items():
        severity = entries[0][1].severity
        lines.append("")
        what_to_do = _(WHAT_TO_DO[code]) if code in WHAT_TO_DO else ""
        lines.append(_("{code}（{count}）: {what_to_do}", code=code,
                       count=_counted(severity, len(entries)), what_to_do=what_to_do))
        for kind, problem in entries:
            where = problem.file or (report.sales_file if kind == "sales"
                                     else report.customers_file)
            who = f" ({problem.customer_id})" if problem.customer_id else ""
            lines.append(_("  {file} 行 {row}{who} {column}: {problem}",
                           file=Path(where or "").name, row=problem.row, who=who,
                           column=problem.column, problem=problem.message))
    if not report.problems:
        lines.append(_("問題はありません"))
    return lines


def _counted(severity: str, count: int) -> str:
    """'エラー 2件' / '2 errors', by the problems' severity."""
    if severity == "warning":
        return ngettext("注意 {n:,}件", "注意 {n:,}件", count)
    if severity == "info":
        return ngettext("お知らせ {n:,}件", "お知らせ {n:,}件", count)
    return ngettext("エラー {n:,}件", "エラー {n:,}件", count)
