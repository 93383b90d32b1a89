"""Render: the only PDF writer. Draws exactly the glyph runs and boxes layout placed."""
