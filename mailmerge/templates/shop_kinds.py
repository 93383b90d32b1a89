"""What a shop mainly sells (CATEGORIES) and how its customers buy (CHANNELS), by name: the
choices of `hagaki init` and [shop] in hagaki.toml, as plain constants (templates.fit gives
them their words).
"""

CATEGORIES = ("food", "goods", "services")
CHANNELS = ("store", "mail_order", "both")
