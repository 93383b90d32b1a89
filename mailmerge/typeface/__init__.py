"""Fonts: finding them, opening them, per-glyph fallback chains and HarfBuzz shaping.

Both layout (to measure) and render (to embed) use these objects; nothing here writes PDF.
"""
