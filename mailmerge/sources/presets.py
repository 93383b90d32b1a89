"""Presets: how a shop system's own export is read, kept as data (presets/*.toml).

In: a header row (or a preset's name). Out: the Preset that reads it: which columns hold the
buyer (and the gift recipient), which hold the sale, and which say an order was cancelled.
A preset is picked when every header of one of its `detect` sets is in the row; the preset
with the most matching headers wins. Each file names its source in a comment.
"""

from __future__ import annotations

import functools
import tomllib

from msgspec import Struct, field

from mailmerge.errors import InputError
from mailmerge.i18n import _
from mailmerge.package_files import package_file
from mailmerge.sources.headers import FIELDS, header_key

KINDS = ("orders", "customers", "sales")
# Customer fields a preset may fill, beyond the customer list's own: the prefecture (a code
# such as JP-13 becomes 東京都, put before address1), and phone and e-mail for merging.
PERSON_FIELDS = frozenset(FIELDS) | {"prefecture", "phone", "email"}
SALE_FIELDS = frozenset({"order_id", "date", "customer_id", "item", "unit_price", "quantity",
                         "line_total", "total"})


class Preset(Struct, frozen=True):
    """One export format. Column lists name headers as exported; absent ones are skipped."""

    name: str
    label: str  # as shown: "BASE の注文データ"
    kind: str  # orders (customer + sale), customers, or sales (joined by customer id)
    has_ids: bool  # False: rows carry no customer id, one is made from name and address
    detect: tuple[tuple[str, ...], ...]
    customer: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ship_to: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sale: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cancel_columns: tuple[str, ...] = ()
    cancel_values: tuple[str, ...] = ()  # a cell containing one of these; "*": any text

    def score(self, headers: list[str]) -> int:
        """How many headers of the best fully present detect set; 0 when none is."""
        present = {header_key(h) for h in headers}
        return max((len(keys) for keys in self.detect
                    if all(header_key(k) in present for k in keys)), default=0)

    def is_cancelled(self, cells: dict[str, str]) -> bool:
        """True when a cancellation column (by header key) says the order was cancelled."""
        for column in self.cancel_columns:
            text = cells.get(header_key(column), "").strip()
            if text and any(value == "*" or value == text or (len(value) > 1 and value in text)
                            for value in self.cancel_values):
                return True
        return False


@functools.cache
def all_presets() -> tuple[Preset, ...]:
    """Every bundled preset, in name order."""
    folder = package_file("sources", "presets")
    found = [_preset(entry.name, tomllib.loads(entry.read_text(encoding="utf-8")))
             for entry in folder.iterdir() if entry.name.endswith(".toml")]
    return tuple(sorted(found, key=lambda preset: preset.name))


def preset_named(name: str) -> Preset:
    """The preset called `name`; InputError listing the names when there is none."""
    for preset in all_presets():
        if preset.name == name.strip().lower():
            return preset
    names = ", ".join(preset.name for preset in all_presets())
    raise InputError(_("--source-format {name!r} という形式はありません。使える形式: {names}"
                       "（hagaki formats で一覧を表示します）", name=name, names=names))


def detect_preset(headers: list[str]) -> Preset | None:
    """The preset whose detect headers are all in the row (the most specific one), or None."""
    scored = [(preset.score(headers), preset) for preset in all_presets()]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] else None


def _preset(file_name: str, data: dict) -> Preset:
    """A TOML table → a checked Preset (a mistake in a bundled file fails the tests)."""
    kind = data["kind"]
    if kind not in KINDS:
        raise ValueError(f"{file_name}: kind {kind!r}")
    columns = {part: _columns(file_name, data.get(part, {}), allowed)
               for part, allowed in (("customer", PERSON_FIELDS), ("ship_to", PERSON_FIELDS),
                                     ("sale", SALE_FIELDS))}
    cancelled = data.get("cancelled", {})
    return Preset(name=data["name"], label=data["label"], kind=kind,
                  has_ids=bool(data["has_ids"]),
                  detect=tuple(tuple(keys) for keys in data["detect"]),
                  customer=columns["customer"], ship_to=columns["ship_to"],
                  sale=columns["sale"], cancel_columns=tuple(cancelled.get("columns", ())),
                  cancel_values=tuple(cancelled.get("values", ())))


def _columns(file_name: str, table: dict, allowed: frozenset[str]
             ) -> dict[str, tuple[str, ...]]:
    unknown = set(table) - allowed
    if unknown:
        raise ValueError(f"{file_name}: unknown fields {sorted(unknown)}")
    return {name: tuple(headers) for name, headers in table.items()}
