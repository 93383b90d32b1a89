"""印刷: a proof, then the real run, with the CLI's choices (side, stack order, duplex files,
printer profile); its files to open or download; the run marked mailed.

A run from the browser is `hagaki print`: it goes through print_cards, which holds the send log
for the whole run, so two tabs (or a tab and the CLI) printing at once take turns. The form
carries the kind of card its page showed and the plan's fingerprint: it prints that plan, or
nothing when the plan has changed since."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _
from mailmerge.layout.paper import PAPERS
from mailmerge.runs.jobs import DUPLEX, SORTS
from mailmerge.web.desk import Desk, fingerprint, situation_named
from mailmerge.web.rendering import SIDES, ask, number, page_situation, render, run_result
from mailmerge.web.security import checked_form

SORT_WORDS = dict(zip(SORTS, (N_("郵便番号順（区分けしやすい順）"), N_("顧客ID順"),
                              N_("名前（フリガナ）順")), strict=True))
DUPLEX_WORDS = dict(zip(DUPLEX, (N_("1つのファイル（宛名・文面の交互）"),
                                 N_("宛名と文面を別々のファイルに")), strict=True))


async def print_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    situation = page_situation(request)
    context: dict = {"sorts": SORT_WORDS, "duplexes": DUPLEX_WORDS, "situation": situation,
                     "printers": await ask(desk.printers), "papers": PAPERS}
    try:
        view = await ask(desk.plan, clock.today(), situation)
    except HagakiError as error:
        return render(request, "print.html", error=str(error), **context)
    return render(request, "print.html", view=view, postage=desk.postage(view),
                  shown=fingerprint(view), **context)


def _choice(form: FormData, name: str, allowed, default: str) -> str:
    value = str(form.get(name) or default)
    if value not in allowed:
        raise HTTPException(400, _("{name} の指定が違います: {value}", name=name, value=value))
    return value


async def print_post(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    proof = form.get("action") != "real"
    side = _choice(form, "side", SIDES, "both")
    sort = _choice(form, "sort", SORTS, "postal")
    duplex = _choice(form, "duplex", DUPLEX, "interleave")
    printer = str(form.get("printer") or "") or None
    paper = _choice(form, "paper", PAPERS, "official") if form.get("paper") else None
    context: dict = {"fragment": "_print_result.html", "proof": proof}
    try:
        situation = situation_named(str(form.get("situation") or ""))
        report = await ask(desk.print_chosen, clock.today(), situation, str(form.get("plan") or ""),
                           side, proof, sort, duplex, printer, paper)
    except HagakiError as error:
        context["error"] = str(error)
    else:
        context.update(run_result(desk, report))
    return render(request, "print_result.html", **context)


async def mark_mailed(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    run_id = number(form.get("run_id"))
    card_ids = await ask(desk.run_card_ids, run_id)
    context: dict = {"fragment": "_mailed.html", "run_id": run_id}
    try:
        context["change"] = await ask(desk.set_status, "mailed", card_ids)
    except HagakiError as error:
        context["error"] = str(error)
    return render(request, "mailed.html", **context)


async def download(request: Request) -> Response:
    """A PDF of the shop folder: shown in the browser with ?view=1, else downloaded."""
    desk: Desk = request.app.state.desk
    path = desk.files.download(request.path_params["name"])
    if path is None:
        raise HTTPException(404, _("そのファイルはありません"))
    shown = "inline" if request.query_params.get("view") else "attachment"
    return FileResponse(path, media_type="application/pdf", filename=path.name,
                        content_disposition_type=shown)


ROUTES = [
    Route("/print", print_page),
    Route("/print", print_post, methods=["POST"]),
    Route("/print/mailed", mark_mailed, methods=["POST"]),
    Route("/files/{name}", download),
]
