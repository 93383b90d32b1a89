"""Small pieces of PDF syntax shared by the writers."""


def pdf_number(value: float) -> str:
    """A PDF number with at most 3 decimals and no trailing zeros: 12.5, 0, -3.142."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
