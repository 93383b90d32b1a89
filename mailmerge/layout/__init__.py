"""Layout: pure geometry in millimetres. Takes text and fonts, gives pages of placed glyph runs.

Nothing here writes PDF; render draws exactly what layout placed.
"""
