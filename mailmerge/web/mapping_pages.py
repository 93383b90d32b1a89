"""列の割り当て: which column of the customer list is what, chosen by the shop in its own words.

An upload whose headers hagaki does not know is held (hagaki-uploads/pending-customers.*) and
comes here instead of being refused; the shop's current list can be mapped here too. The page
shows the first rows as they are, a choice of column for each field, and three customers as
the choice reads them; saving writes [columns] to hagaki.toml, then stores a held list.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.shop.settings import load_settings
from mailmerge.shop.settings_file import set_values
from mailmerge.sources import mapping
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import ask, render
from mailmerge.web.security import checked_form

KIND = "customers"


def held_as_table(desk: Desk, file_name: str, content: bytes) -> bool:
    """Hold an upload that did not read as a customer list, when it is at least a table
    whose columns can be mapped; False (nothing held) otherwise."""
    try:
        held = desk.files.hold(KIND, file_name, content)
    except HagakiError:
        return False
    try:
        mapping.sample(held)
    except HagakiError:
        held.unlink(missing_ok=True)
        return False
    return True


def _list(desk: Desk) -> tuple[Path | None, bool]:
    """The list to map: an upload held for it, else the shop's customer list; and whether
    it was held."""
    held = desk.files.pending(KIND)
    return (held, True) if held else (desk.files.customers(), False)


async def mapping_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    path, held = _list(desk)
    if path is None:
        return render(request, "mapping.html", error=_("顧客リストがまだありません。顧客リストの"
                                                       "ページからファイルを送ってください"))
    try:
        shop = await ask(desk.shop)
        sample = await ask(mapping.sample, path)
    except HagakiError as error:
        return render(request, "mapping.html", error=str(error))
    choice = mapping.current_choice(sample.headers, shop.settings.columns)
    return render(request, "mapping.html", sample=sample, choice=choice, held=held,
                  fields=mapping.MAPPED_FIELDS)


async def mapping_post(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    path, held = _list(desk)
    if path is None:
        return RedirectResponse("/customers/map", status_code=303)
    context: dict = {"held": held, "fields": mapping.MAPPED_FIELDS}
    try:
        shop = await ask(desk.shop)
        sample = await ask(mapping.sample, path)
        choice = {name: str(form.get(f"field-{name}")) for name in mapping.MAPPED_FIELDS
                  if form.get(f"field-{name}") in sample.headers}
        chosen = mapping.columns_for(sample.headers, choice)
        preview = await ask(mapping.preview, path, {**shop.settings.columns, **chosen})
        context.update(sample=sample, choice=choice, preview=preview)
        if form.get("action") == "save" and not preview.refusal:
            await ask(_save, desk, chosen, path if held else None)
            return RedirectResponse("/plan", status_code=303)
    except HagakiError as error:
        context["error"] = str(error)
    return render(request, "mapping.html", **context)


def _save(desk: Desk, columns: dict[str, str], held: Path | None) -> None:
    """[columns] into hagaki.toml (checked as read back), then the held upload stored as the
    shop's customer list (its old list kept, as every upload's)."""
    config = desk.saved_shop().config_path
    if columns:
        def check(temporary: Path) -> None:
            if not columns.items() <= load_settings(temporary).columns.items():
                raise HagakiError(_("{path} の [columns] を書き込めませんでした。ファイルの"
                                    "書き方を確かめてください", path=config))

        set_values(config, "columns", columns, check)
    if held is not None:
        desk.store_list(KIND, held.name, held.read_bytes())
        held.unlink(missing_ok=True)


ROUTES = [
    Route("/customers/map", mapping_page),
    Route("/customers/map", mapping_post, methods=["POST"]),
]
