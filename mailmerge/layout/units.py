"""Length units: millimetres (layout) to PDF points (render), the one place they are converted.

Layout works in millimetres with the origin at the card's top-left corner, y downward
(as Japan Post's manuals measure). PDF user space is in points with the origin bottom-left.
"""

MM_PER_INCH = 25.4
PT_PER_INCH = 72.0
PT_PER_MM = PT_PER_INCH / MM_PER_INCH


def mm_to_pt(mm: float) -> float:
    """Millimetres -> points."""
    return mm * PT_PER_MM


def pt_to_mm(pt: float) -> float:
    """Points -> millimetres."""
    return pt / PT_PER_MM


def page_point(x_mm: float, y_mm: float, page_height_mm: float) -> tuple[float, float]:
    """Layout space (mm, top-left origin, y down) -> PDF space (pt, bottom-left, y up)."""
    return mm_to_pt(x_mm), mm_to_pt(page_height_mm - y_mm)
