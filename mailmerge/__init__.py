"""hagaki: customer cards by mail for small Japanese shops."""

__version__ = "0.1.0"
