"""レポート: the stock-take's key figures and charts in the page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mailmerge.errors import HagakiError
from mailmerge.report.figures import key_figures
from mailmerge.web.desk import Desk
from mailmerge.web.rendering import ask, render, today


async def report_page(request: Request) -> Response:
    desk: Desk = request.app.state.desk
    try:
        measures = await ask(desk.report, today())
    except HagakiError as error:
        return render(request, "report.html", error=str(error))
    return render(request, "report.html", measures=measures, figures=key_figures(measures))


ROUTES = [
    Route("/report", report_page),
]
