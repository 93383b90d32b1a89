"""顧客リスト: the customer and sales files, their problems and the corrections kept in the log."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from mailmerge.errors import HagakiError
from mailmerge.i18n import _
from mailmerge.sources.corrections import suggested_postal_codes
from mailmerge.sources.sales import SalesHeadersMissing
from mailmerge.web.desk import Desk
from mailmerge.web.mapping_pages import held_as_table
from mailmerge.web.rendering import ask, number, render
from mailmerge.web.security import checked_form
from mailmerge.web.shopfiles import MAX_UPLOAD_BYTES


async def customers_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    context: dict = {"files": {"customers": desk.files.customers(), "sales": desk.files.sales()},
                     "corrections": await ask(desk.corrections),
                     "postal_choices": suggested_postal_codes}  # several: the user chooses
    try:
        context["check"] = await ask(desk.check)
    except HagakiError as error:
        context["error"] = str(error)
    return render(request, "customers.html", **context)


async def correct(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    try:
        await ask(desk.correct, str(form.get("customer_id") or ""),
                   str(form.get("field") or ""), str(form.get("value") or ""))
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    return RedirectResponse("/customers#corrections", status_code=303)


async def undo_correction(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    try:
        await ask(desk.undo_correction, number(form.get("correction_id")))
    except HagakiError as error:
        raise HTTPException(400, str(error)) from None
    return RedirectResponse("/customers#corrections", status_code=303)


async def upload(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    try:
        sent = form.get("file")
        if not isinstance(sent, UploadFile):
            raise HTTPException(400, _("ファイルを選んでください"))
        content = await sent.read(MAX_UPLOAD_BYTES + 1)
        kind = str(form.get("kind"))
        stored = await ask(desk.store_list, kind, sent.filename or "", content)
    except HagakiError as error:
        if isinstance(getattr(error, "refused", None), SalesHeadersMissing):
            return render(request, "error.html", 400, message=str(error), next_step=_(
                "表計算ソフト（Excel など）で、お客様の番号の列の見出しを「顧客ID」に、日付の"
                "列の見出しを「日付」に変えて保存し、もう一度アップロードしてください。列の割り"
                "当て（見出しを選んで読むページ）は、今は顧客リストにしか使えません。"),
                back=_page_path(request.headers.get("referer", "")))  # no sales mapping page
        if kind == "customers" and await ask(held_as_table, desk, sent.filename or "", content):
            return RedirectResponse("/customers/map", status_code=303)  # its columns to map
        raise HTTPException(400, str(error)) from None
    finally:
        await form.close()
    return render(request, "uploaded.html", kind=kind, stored=stored.path.name,
                  kept=[path.relative_to(desk.folder) for path in stored.kept],
                  back=_page_path(request.headers.get("referer", "")))


def _page_path(referer: str) -> str:
    """The page the upload was sent from (its path on this server only), else the home."""
    path = urlsplit(referer).path
    return path if path.startswith("/") and not path.startswith("//") else "/"


ROUTES = [
    Route("/customers", customers_page),
    Route("/customers/correct", correct, methods=["POST"]),
    Route("/customers/undo", undo_correction, methods=["POST"]),
    Route("/upload", upload, methods=["POST"]),
]
