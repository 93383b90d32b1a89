"""印刷: a proof, then the real run, with the CLI's choices (side, stack order, duplex files,
printer profile); a proof's files to open; a run's own page (its cards, the paper to load and
which way, its files, the postage, the run sheet); the run marked mailed.

A run from the browser is `hagaki print`: it goes through print_cards, which holds the send log
for the whole run, so two tabs (or a tab and the CLI) printing at once take turns. The form
carries the kind of card its page showed and the plan's fingerprint: it prints that plan, or
nothing when the plan has changed since."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from mailmerge import clock
from mailmerge.errors import HagakiError
from mailmerge.i18n import N_, _
from mailmerge.layout.paper import PAPERS, Paper
from mailmerge.runs.jobs import DUPLEX, SORTS, RunOptions
from mailmerge.runs.run import paper_for
from mailmerge.web.desk import Desk, fingerprint, situation_named
from mailmerge.web.rendering import SIDES, ask, number, page_situation, render, run_result
from mailmerge.web.run_view import FILE_ROLES, loading_steps, run_view
from mailmerge.web.security import checked_form

SORT_WORDS = dict(zip(SORTS, (N_("郵便番号順（区分けしやすい順）"), N_("顧客ID順"),
                              N_("名前（フリガナ）順")), strict=True))
HOLDOUTS = (0, 5, 10, 20)  # percent: the web's choices of --holdout (0: everyone mailed)
CHOICE_WORDS = {"side": N_("面"), "sort": N_("並び順"), "duplex": N_("両面のとき"),
                "paper": N_("用紙")}
DUPLEX_WORDS = dict(zip(DUPLEX, (N_("1つのファイル（宛名・文面の交互）"),
                                 N_("宛名と文面を別々のファイルに")), strict=True))


async def print_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    situation = page_situation(request)
    runs = await ask(desk.runs)
    context: dict = {"sorts": SORT_WORDS, "duplexes": DUPLEX_WORDS, "situation": situation,
                     "holdouts": HOLDOUTS, "on": clock.today(),
                     "configured_holdouts": await ask(desk.configured_holdouts),
                     "printers": await ask(desk.printers), "papers": PAPERS,
                     "waiting": [run for run in runs if "printed" in run.statuses]}
    try:
        view = await ask(desk.plan, clock.today(), situation)
    except HagakiError as error:
        return render(request, "print.html", error=str(error), **context)
    return render(request, "print.html", view=view, postage=desk.postage(view),
                  shown=fingerprint(view), **context)


def _choice(form: FormData, name: str, allowed, default: str) -> str:
    value = str(form.get(name) or default)
    if value not in allowed:
        word = CHOICE_WORDS.get(name)
        raise HTTPException(400, _("{choice}の指定が違います", choice=_(word)) if word
                            else _("選んだ値が違います"))
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
    holdout = (float(_choice(form, "holdout", [str(h) for h in HOLDOUTS], ""))
               if form.get("holdout") else None)
    context: dict = {"fragment": "_print_result.html", "proof": proof}
    try:
        situation = situation_named(str(form.get("situation") or ""))
        report = await ask(desk.print_chosen, clock.today(), situation, str(form.get("plan") or ""),
                           side, proof, sort, duplex, printer, paper, holdout)
    except HagakiError as error:
        context["error"] = str(error)
    else:
        if report.run_id is not None and report.written:
            return _to_run_page(request, report.run_id, report.paper)
        context.update(run_result(desk, report))
    return render(request, "print_result.html", **context)


def _to_run_page(request: Request, run_id: int, paper: Paper | None) -> Response:
    """The run's own page, after a print: a redirect (htmx: HX-Redirect, a full page load)."""
    page = f"/print/runs/{run_id}" + (f"?paper={paper.name}" if paper is not None else "")
    if request.headers.get("hx-request") == "true":
        return Response(headers={"HX-Redirect": page})
    return RedirectResponse(page, status_code=303)


async def run_page(request: Request) -> Response:
    """印刷しました: a run's cards, paper, files, postage and the next step, from the log."""
    desk: Desk = request.app.state.desk
    run_id = request.path_params["run_id"]
    rows, files = await ask(desk.run_rows, run_id)
    shop = await ask(desk.shop)
    asked = request.query_params.get("paper", "")
    paper = PAPERS.get(asked) or (paper_for(RunOptions(situation=rows[0]["situation"]),
                                            shop.settings) if rows else None)
    view = run_view(run_id, rows, files, paper, shop.settings.postage_yen,
                    lambda name: desk.files.download(name) is not None,
                    shop.settings.rules.matsunouchi_end_day)
    if view is None:
        raise HTTPException(404, _("印刷番号 {run} の記録はありません", run=run_id))
    held_out = await ask(desk.run_held_out, run_id)
    return render(request, "run.html", run=view, steps=loading_steps(view), FILE_ROLES=FILE_ROLES,
                  held_out=held_out, on=clock.today(), fragment="_run_status.html")


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
    response = render(request, "mailed.html", **context)
    if "change" in context:
        response.headers["HX-Trigger"] = "log-changed"  # the page's counts follow the log
    return response


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
    Route("/print/runs/{run_id:int}", run_page),
    Route("/files/{name}", download),
]
