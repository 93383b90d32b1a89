"""The calibration card and the measured offsets of a printer, as `hagaki calibrate` makes them,
for callers that are not the command line (the web app's 設定 page).

In: the shop's settings (and hagaki.toml path), a printer name (or None: the [print] offsets)
and the cross's centre measured on a printed card (mm). Out: the calibration card as PDF bytes
(drawn with the address font, moved by the printer's current offsets), or the new offsets
saved in [printers.NAME] by printer_settings.save_printer_offsets.
"""

from __future__ import annotations

import io
from pathlib import Path

from mailmerge.errors import ConfigError
from mailmerge.i18n import _
from mailmerge.layout.calibration import calibration_page, offsets_from
from mailmerge.layout.profiles import load_profile
from mailmerge.render.pdf import PdfBuilder
from mailmerge.runs.choices import MEASURED_X, MEASURED_Y
from mailmerge.shop.printers import save_printer_offsets
from mailmerge.shop.settings import Settings, load_settings
from mailmerge.typeface.roles import FontRoles


def current_offsets(settings: Settings, printer: str | None) -> tuple[float, float]:
    """The offsets a card is printed with now: the printer's, else the [print] ones."""
    return settings.printers.get(printer or "", (settings.offset_x, settings.offset_y))


def calibration_pdf(settings: Settings, printer: str | None = None,
                    layout: str | None = None) -> bytes:
    """The calibration card of `layout` (default: the shop's card layout), moved by the
    current offsets."""
    face = FontRoles(settings).chain("address").primary
    page = calibration_page(load_profile(layout or settings.layout), face)
    builder = PdfBuilder("hagaki calibration")
    builder.add(page.shifted(*current_offsets(settings, printer)))
    pdf = io.BytesIO()
    builder.write(pdf)
    return pdf.getvalue()


def save_measured(config_path: Path, printer: str, measured_x: float,
                  measured_y: float) -> tuple[float, float]:
    """Turn what was measured on a card printed with the printer's current offsets into its
    new offsets, save them in [printers.NAME]; return them."""
    if not MEASURED_X[0] <= measured_x <= MEASURED_X[1]:
        raise ConfigError(_("測った横の長さ {value} mm は {low}〜{high} mm の範囲で入れてください",
                            value=measured_x, low=MEASURED_X[0], high=MEASURED_X[1]))
    if not MEASURED_Y[0] <= measured_y <= MEASURED_Y[1]:
        raise ConfigError(_("測った縦の長さ {value} mm は {low}〜{high} mm の範囲で入れてください",
                            value=measured_y, low=MEASURED_Y[0], high=MEASURED_Y[1]))
    settings = load_settings(config_path)
    offsets = offsets_from(measured_x, measured_y, current_offsets(settings, printer))
    save_printer_offsets(config_path, printer, *offsets)
    return offsets
