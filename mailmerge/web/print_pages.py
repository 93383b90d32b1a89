"""印刷: a proof, then the real run; its files to download; the run marked mailed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from mailmerge.errors import HagakiError
from mailmerge.summary import summary_lines
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import SIDES, ask, number, render, today
from mailmerge.web.security import checked_form


async def print_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        view = await ask(desk.plan, today())
    except HagakiError as error:
        return render(request, "print.html", error=str(error))
    return render(request, "print.html", view=view, postage=desk.postage(view))


async def print_post(request: Request) -> Response:
    form = await checked_form(request)
    desk: Desk = request.app.state.desk
    proof = form.get("action") != "real"
    side = str(form.get("side") or "both")
    if side not in SIDES:
        raise HTTPException(400, f"面の指定が違います: {side}")
    context: dict = {"fragment": "_print_result.html", "proof": proof}
    try:
        report = await ask(desk.print_run, today(), side, proof)
    except HagakiError as error:
        context["error"] = str(error)
    else:
        yen = desk.shop().settings.postage_yen
        context.update(report=report, lines=summary_lines(report, False, yen),
                       downloads=[path.name for path in report.outputs])
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
    desk: Desk = request.app.state.desk
    path = desk.files.download(request.path_params["name"])
    if path is None:
        raise HTTPException(404, "そのファイルはありません")
    return FileResponse(path, media_type="application/pdf", filename=path.name)


ROUTES = [
    Route("/print", print_page),
    Route("/print", print_post, methods=["POST"]),
    Route("/print/mailed", mark_mailed, methods=["POST"]),
    Route("/files/{name}", download),
]
