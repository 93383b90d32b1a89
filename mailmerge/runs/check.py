"""`hagaki check`: every problem of a customer list (and sales list) before printing.

In: the customer file, optionally a sales file, settings and read options. Out: CheckReport
with the row count, how many rows would print, and every Problem (file, row, column, code),
counted by severity and grouped by code with what to do (titled in words for people, by code
in JSON for programs); a customer-list problem's column is named by the header in the user's
file (お名前 for our 姓), or left empty when the file has no such column. The summary, the
groups and the rows are counted from the same problems.
Cards are checked the way `print` lays them out: a character no font draws (glyph-missing)
and text that cannot fit (too-long). Rows whose text is short enough to fit for certain are
checked for glyphs only; the others are laid out in full.
"""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from mailmerge.errors import CardError, InputError
from mailmerge.i18n import N_, _, ngettext
from mailmerge.layout.address_side import AddressFonts, address_side
from mailmerge.layout.columns import MIN_CONDENSE
from mailmerge.layout.profiles import Area, CardProfile, load_profile
from mailmerge.layout.units import pt_to_mm
from mailmerge.models import Customer, Problem
from mailmerge.runs.cards import check_sender
from mailmerge.runs.fontcheck import address_side_texts
from mailmerge.runs.holdouts import check_templates
from mailmerge.sendlog.store import SendLog
from mailmerge.shop.settings import Settings
from mailmerge.sources.customers import FIELD_LABELS, ReadOptions
from mailmerge.sources.headers import map_headers
from mailmerge.sources.problem_words import problem_word
from mailmerge.sources.sourceset import sales_for, scan_customers
from mailmerge.sources.tables import open_table
from mailmerge.typeface.roles import FontRoles

WHAT_TO_DO = {
    "missing-name": N_("姓・名を、会社なら会社名を入れてください"),
    "missing-address": N_("住所を入れてください"),
    "postal-format": N_("郵便番号を 7 けたで書いてください（例: 100-0001）"),
    "postal-unknown": N_("住所から郵便番号を調べてください（日本郵便の郵便番号検索）"),
    "postal-mismatch": N_("郵便番号か住所を直して、合うようにしてください"),
    "postal-catch-all": N_("町の郵便番号にしてください（xxx-0000 は町の番号がない所の番号です）"),
    "postal-missing": N_("住所から調べた郵便番号を入れてください"),
    "postal-other-town": N_("郵便番号を住所の町の番号にしてください"),
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
    "refund-row": N_("返品の金額を入れると、その分を売上から差し引きます"),
    "lost-character": N_("元の文字に直すか、ファイルを UTF-8（CSV UTF-8）で保存し直してください"),
    "no-barcode": N_("バーコードなしで印刷します。住所を都道府県から正しく書くと付きます"),
}
# A problem of a code not listed above: its message says what to do.
ANY_HINT = N_("それぞれの行の説明のとおりに直してください")
SEVERITIES = ("error", "warning", "info")
# Where a field's text may come from when the file has no column of its own for it.
FIELD_SOURCES = {"family_name": ("family_name", "name", "company"),
                 "given_name": ("given_name", "name"),
                 "honorific": ("honorific", "name", "family_name", "given_name")}


class CheckReport(Struct):
    customers_file: str
    rows: int = 0
    printable: int = 0
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (file, problem)
    sales_file: str | None = None
    sales_rows: int = 0
    notes: list[str] = field(default_factory=list)  # "orders.csv: BASE の注文データとして…"

    @property
    def errors(self) -> int:
        return self.counts()["error"]

    def counts(self, code: str | None = None) -> dict[str, int]:
        """How many problems of each severity (error, warning, info): all, or of one code."""
        counts = dict.fromkeys(SEVERITIES, 0)
        for _kind, problem in self.problems:
            if code is None or problem.code == code:
                counts[problem.severity] += 1
        return counts

    def groups(self) -> dict[str, list[tuple[str, Problem]]]:
        """The problems by code, codes in the order first found."""
        groups: dict[str, list[tuple[str, Problem]]] = {}
        for kind, problem in self.problems:
            groups.setdefault(problem.code, []).append((kind, problem))
        return groups

    def path_of(self, kind: str, problem: Problem) -> str:
        """The file a problem's row is in, as given."""
        return problem.file or (self.sales_file if kind == "sales" else self.customers_file) or ""

    def tally(self) -> str:
        """'エラー 5件、注意 1件' (with 'お知らせ n件' when there are notices): every problem."""
        return _tally(self.counts(), ("error", "warning"))

    def as_json(self) -> dict:
        return {
            "rows": self.rows,
            "printable": self.printable,
            "sales_rows": self.sales_rows,
            "notes": self.notes,
            "counts": _json_counts(self.counts()),
            "groups": [{"code": code, "hint": hint(code), "count": len(entries),
                        **_json_counts(self.counts(code))}
                       for code, entries in self.groups().items()],
            "problems": [
                {"file": kind, "path": self.path_of(kind, p), "row": p.row,
                 "customer_id": p.customer_id, "column": p.column, "code": p.code,
                 "severity": p.severity, "message": p.message}
                for kind, p in self.problems
            ],
        }


def _json_counts(counts: dict[str, int]) -> dict[str, int]:
    return {"errors": counts["error"], "warnings": counts["warning"], "notices": counts["info"]}


def hint(code: str) -> str:
    """What to do about a problem of this code, in the reader's language."""
    return _(WHAT_TO_DO.get(code, ANY_HINT))


def check_files(customers_path: Path, settings: Settings, options: ReadOptions | None = None,
                sales_path: Path | None = None, layout: str | None = None,
                log_path: Path | None = None) -> CheckReport:
    """Check a customer list (and sales list) completely; nothing is printed. A [sender] that
    print would refuse is refused here too (ConfigError), once, and so is a missing template
    of [situations.KIND] templates. With the shop's send log, a customer whose card came back
    (宛所不明) to the address still in the list is a warning."""
    options = options or ReadOptions()
    report = CheckReport(str(customers_path))
    card_checker = CardChecker(settings, load_profile(layout or settings.layout))
    check_sender(settings, card_checker.fonts, True, card_checker.profile)  # once, not per row
    check_templates(settings)  # an A/B template named in hagaki.toml that is not there
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
    headers = UserHeaders(customers_path, options)
    report.problems = [("customers", headers.named(p)) for p in problems]
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


class UserHeaders:
    """Names a customer-list problem's column by the header in the user's file (お名前, not
    our 姓) when its file has a column for that field; each file's headers read on first need."""

    def __init__(self, customers_path: Path, options: ReadOptions) -> None:
        self.customers_path = customers_path
        self.options = options
        self.files: dict[str, tuple[list[str], dict[str, list[int]]]] = {}

    def named(self, problem: Problem) -> Problem:
        if not problem.column:
            return problem
        headers, columns = self._read(problem.file or str(self.customers_path))
        if problem.column in headers:
            return problem
        field_name = next(iter(map_headers([problem.column])), "")
        found = (columns[source][0] for source in FIELD_SOURCES.get(field_name, (field_name,))
                 if columns.get(source))
        index = next(found, None)  # none: the file has no such column (its message says so)
        return replace(problem, column=headers[index] if index is not None else "")

    def _read(self, file: str) -> tuple[list[str], dict[str, list[int]]]:
        if file not in self.files:
            path = Path(file)
            sheet = self.options.sheet if path == self.customers_path else None
            headers = open_table(path, self.options.encoding, sheet).headers
            try:
                columns = map_headers(headers, self.options.columns)
            except InputError:  # an export's headers: its problems already name them
                columns = {}
            self.files[file] = headers, columns
        return self.files[file]


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
    """The report for people: counts, then problems grouped by code, each group titled in
    words (郵便番号の書き方), with what to do."""
    lines = [*report.notes, _summary(report)]
    if report.sales_file:
        lines.append(ngettext("{file}: 売上 {n:,}行", "{file}: 売上 {n:,}行", report.sales_rows,
                              file=report.sales_file))
    for code, entries in report.groups().items():
        lines.append("")
        lines.append(_("{problem}（{count}）: {what_to_do}", problem=problem_word(code),
                       count=_tally(report.counts(code)), what_to_do=hint(code)))
        lines += [_problem_line(report, kind, problem) for kind, problem in entries]
    if not report.problems:
        lines.append(_("問題はありません"))
    return lines


def _summary(report: CheckReport) -> str:
    """'customers.csv: 16行、印刷できるのは 13行、エラー 3件、注意 0件' (and notices, if any)."""
    counts = report.counts()
    fields = {"file": report.customers_file,
              "rows": ngettext("{n:,}行", "{n:,}行", report.rows),
              "printable": ngettext("印刷できるのは {n:,}行", "印刷できるのは {n:,}行",
                                    report.printable),
              "errors": _counted("error", counts["error"]),
              "warnings": _counted("warning", counts["warning"])}
    if counts["info"]:
        return _("{file}: {rows}、{printable}、{errors}、{warnings}、{notices}",
                 notices=_counted("info", counts["info"]), **fields)
    return _("{file}: {rows}、{printable}、{errors}、{warnings}", **fields)


def _problem_line(report: CheckReport, kind: str, problem: Problem) -> str:
    fields = {"file": Path(report.path_of(kind, problem)).name, "row": problem.row,
              "who": f" ({problem.customer_id})" if problem.customer_id else "",
              "problem": problem.message}
    if not problem.column:  # the whole row (a merge, a sale of an unknown customer)
        return _("  {file} 行 {row}{who}: {problem}", **fields)
    return _("  {file} 行 {row}{who} {column}: {problem}", column=problem.column, **fields)


def _tally(counts: dict[str, int], always: tuple[str, ...] = ()) -> str:
    """'エラー 2件、注意 1件': each severity with problems, and those in `always` at zero too."""
    return _("、").join(_counted(severity, count) for severity, count in counts.items()
                       if count or severity in always)


def _counted(severity: str, count: int) -> str:
    """'エラー 2件' / '2 errors', by the problems' severity."""
    if severity == "warning":
        return ngettext("注意 {n:,}件", "注意 {n:,}件", count)
    if severity == "info":
        return ngettext("お知らせ {n:,}件", "お知らせ {n:,}件", count)
    return ngettext("エラー {n:,}件", "エラー {n:,}件", count)
