"""Which variables a template reads, so that cards with the same values share their words.

In: the run's Jinja environment and a template's name. Out: the names of the variables the
template and every template it extends, includes or imports read (None when one of them is
named by an expression, so what it reads is not known before a card is made), and a
hashable key of those variables' values for one card. The templates are deterministic (no
random filter, no clock), so equal keys render equal words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable

from jinja2 import Environment, meta
from jinja2.exceptions import TemplateError

MAX_KEPT = 4096  # rendered messages a run keeps (a list of few names needs few)


def variables_read(environment: Environment, name: str) -> tuple[str, ...] | None:
    """The variables `name` reads, with everything it extends, includes or imports."""
    names: set[str] = set()
    pending, seen = [name], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = environment.loader.get_source(environment, current)[0]
            tree = environment.parse(source)
        except (TemplateError, OSError):
            return None  # rendering says what is wrong
        names |= meta.find_undeclared_variables(tree)
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return None
            pending.append(referenced)
    return tuple(sorted(names - set(environment.globals)))


def values_key(variables: dict, names: tuple[str, ...]) -> tuple | None:
    """The values of `names` in `variables` as one hashable key (None if one cannot be)."""
    try:
        return tuple(_frozen(variables.get(name)) for name in names)
    except TypeError:
        return None


def _frozen(value: object) -> Hashable:
    """The value as a key; a number with its type (1, 1.0 and True are equal keys alone, but
    print as 1, 1.0 and True)."""
    if isinstance(value, (str, dt.date)) or value is None:
        return value
    if isinstance(value, (int, float)):  # (bool included)
        return type(value), value
    if isinstance(value, dict):
        return ("dict", tuple((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_frozen(item) for item in value))
    raise TypeError(f"no key for {type(value).__name__}")
