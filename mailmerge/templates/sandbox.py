"""The sandbox message templates run in: Jinja2's immutable sandbox plus limits per card.

Jinja2's sandbox keeps a template away from Python's internals; it does not stop a template
that loops for ever, calls itself, builds a gigantic text or number, or includes a data file.
This module adds that. In: template files, only NAME.j2 (or the one file named on the command
line) from the template folders. Out: SandboxEnvironment, whose templates raise LimitExceeded
(a Japanese message) when, inside `card_limits()`, one card goes past a limit of `Limits`.

How: before a template is compiled its syntax tree is rewritten (`_Guard`) so that the items
of every `for` loop, every piece of output, every `~` join and every list, tuple or dict
written in the template pass through a small check; operators and calls go through the
sandbox's hooks (call_binop, call) and every filter is wrapped. Each check also looks at the
clock. What cannot be interrupted (one big multiplication, one huge padding) is refused
before it starts, from its operands.
"""

from __future__ import annotations

import functools
import re
import string
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, TemplateNotFound, Undefined, nodes
from jinja2.exceptions import TemplateAssertionError, TemplateSyntaxError
from jinja2.loaders import split_template_path
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer
from msgspec import Struct

from mailmerge.i18n import _


class Limits(Struct, frozen=True):
    """What one card's template may cost. A postcard holds well under 1,000 characters, so
    every limit is far above what a real message needs and far below what hurts."""

    seconds: float = 2.0  # wall time per card
    range_size: int = 1_000  # items of one range(...)
    iterations: int = 10_000  # loop iterations per card, all loops together
    depth: int = 30  # calls inside calls (a macro calling itself)
    loads: int = 50  # templates included or imported per card (an include of itself)
    text: int = 5_000  # characters in any one value (text, or a list's or dict's contents)
    output: int = 50_000  # characters written per card, all blocks and macros together
    number_bits: int = 256  # integers up to about 77 digits
    width: int = 1_000  # padding and widths: center(N), '{:>N}', '%Ns', indent(N) …


class LimitExceeded(Exception):
    """A template went past one of the limits; str() says which, in Japanese."""


class _NotRendering(Exception):
    """A check ran outside `card_limits()` (Jinja2 folding constants at compile time): the
    expression is then left for the render, where the limits apply."""


class _Budget(Struct):
    limits: Limits
    deadline: float
    iterations: int = 0
    output: int = 0
    depth: int = 0
    loads: int = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(_("1枚の文面づくりに{seconds:g}秒を超えました",
                                  seconds=self.limits.seconds))

    def checked(self, value: Any) -> Any:
        """`value`, once it is known to be small enough to keep."""
        if isinstance(value, int) and not isinstance(value, bool):
            if value.bit_length() > self.limits.number_bits:
                raise LimitExceeded(_number_too_large(self.limits))
        elif size_of(value, self.limits.text) > self.limits.text:
            raise LimitExceeded(_("作った文字列やリストが大きすぎます（{limit:,}字まで）",
                                  limit=self.limits.text))
        return value


_active: ContextVar[_Budget | None] = ContextVar("hagaki_template_budget", default=None)


@contextmanager
def card_limits(limits: Limits) -> Iterator[None]:
    """Everything a template does inside this block counts against one card's limits."""
    token = _active.set(_Budget(limits, time.monotonic() + limits.seconds))
    try:
        yield
    finally:
        _active.reset(token)


def _budget() -> _Budget:
    budget = _active.get()
    if budget is None:
        raise _NotRendering
    budget.tick()
    return budget


def size_of(value: Any, limit: int) -> int:
    """About how many characters `value` takes as text (nested lists, dicts and namespaces
    included), counted only until past `limit` so a huge value costs no more than a small
    one. Containers count one per item, so a list of a million empty texts is large too."""
    total = 0
    pending = [value]
    while pending and total <= limit:
        item = pending.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            if total <= limit:
                pending += item.keys()
                pending += item.values()
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item) + 1
            if total <= limit:
                pending += item
        elif isinstance(item, range):
            total += len(item) * len(str(max(abs(item.start), abs(item.stop)))) + 1
        elif isinstance(item, Namespace):  # its attributes live in its instance dict
            pending.append(object.__getattribute__(item, "__dict__"))
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        else:  # dates, numbers, None, undefined values, macros …
            total += 1
    return total


# Methods of text a template may call. Left out: encode, expandtabs, maketrans and
# translate (nothing a card needs, and ways to multiply a text's length).
TEXT_METHODS = frozenset({
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map",
    "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "islower", "isnumeric",
    "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition",
    "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
    "upper", "zfill",
})
# Filters and text methods whose number arguments are widths or counts of things made.
WIDTH_TAKERS = frozenset({"center", "ljust", "rjust", "zfill", "indent", "wordwrap", "truncate",
                          "batch", "slice", "round"})
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_widths(limits: Limits, name: str, arguments: Iterable[Any]) -> None:
    """center(10**9) and the like are refused before they fill the memory."""
    if name in WIDTH_TAKERS:
        for argument in arguments:
            if isinstance(argument, int) and abs(argument) > limits.width:
                raise LimitExceeded(_("{name} の幅や数 {argument:,} が大きすぎます"
                                      "（{limit:,}まで）", name=name, argument=argument,
                                      limit=limits.width))


def _check_percent_format(limits: Limits, text: str) -> None:
    """'%0100000000d' % 1 and '%*d' are refused."""
    for match in _PERCENT_SPEC.finditer(text):
        for width in match.groups():
            if width == "*" or (width and int(width) > limits.width):
                raise LimitExceeded(_("書式 {spec!r} の幅が大きすぎます（{limit:,}まで、* は"
                                      "使えません）", spec=match.group(0), limit=limits.width))


def _check_brace_format(limits: Limits, text: str) -> None:
    """'{:>100000000}'.format(1) and widths taken from arguments ('{:{}}') are refused."""
    for _literal, field, spec, _conversion in string.Formatter().parse(text):
        if field is None or not spec:
            continue
        numbers = [int(n) for n in re.findall(r"\d+", spec)]
        if "{" in spec or any(n > limits.width for n in numbers):
            raise LimitExceeded(_("書式 {{:{spec}}} の幅が大きすぎます（{limit:,}まで、幅を"
                                  "引数から取る書き方は使えません）", spec=spec,
                                  limit=limits.width))


def _check_replace(limits: Limits, text: Any, old: Any, new: Any) -> None:
    """A replace that would make a text longer than the limit is refused before it runs."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str):
        count = text.count(old) if old else len(text) + 1
        if len(text) + count * len(new) > limits.text:
            raise LimitExceeded(_("replace の結果が長すぎます（{limit:,}字まで）",
                                  limit=limits.text))


def _check_call(limits: Limits, name: str, subject: Any, arguments: list[Any]) -> None:
    """Checks before a filter or a text method runs: sizes, widths, replace."""
    if size_of([subject, arguments], limits.text) > limits.text:
        raise LimitExceeded(_("{name} に渡した値が大きすぎます（{limit:,}字まで）", name=name,
                              limit=limits.text))
    _check_widths(limits, name, arguments)
    if name == "replace" and len(arguments) >= 2:
        _check_replace(limits, subject, arguments[0], arguments[1])


_RUNTIME_ARGUMENTS = (Context, EvalContext, Environment)


def guarded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that checks its arguments first and its result after (Jinja2 calls
    filters directly, not through the sandbox's call hook)."""

    @functools.wraps(function)  # keeps Jinja2's pass_context / pass_environment marks
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = _budget()
        values = [a for a in args if not isinstance(a, _RUNTIME_ARGUMENTS)]
        subject, arguments = (values[0], values[1:]) if values else (None, [])
        _check_call(budget.limits, name, subject, arguments + list(kwargs.values()))
        if name == "format" and isinstance(subject, str):  # the filter: '%5d'|format(n)
            _check_percent_format(budget.limits, subject)
        return budget.checked(function(*args, **kwargs))

    return guarded


def _loop_items(iterable: Any) -> Iterator[Any]:
    """The items of a `for` loop, counted against the card's iterations."""
    return _counted(iterable, _budget())


def _counted(iterable: Any, budget: _Budget) -> Iterator[Any]:
    for item in iterable:
        budget.iterations += 1
        if budget.iterations > budget.limits.iterations:
            raise LimitExceeded(_("繰り返しが1枚で{limit:,}回を超えました",
                                  limit=budget.limits.iterations))
        budget.tick()
        yield item


def _output(value: Any) -> str:
    """One piece of a template's output, counted against the card's output."""
    budget = _budget()
    text = _text(budget.checked(value))
    budget.output += len(text)
    if budget.output > budget.limits.output:
        raise LimitExceeded(_("書き出した文字が1枚で{limit:,}字を超えました",
                              limit=budget.limits.output))
    return text


def _join(values: list[Any]) -> str:
    """a ~ b ~ c, once the pieces are known to be small enough."""
    budget = _budget()
    return budget.checked("".join(_text(budget.checked(value)) for value in values))


def _text(value: Any) -> str:
    """str(value), but a list or dict holding an undefined value (an unsafe attribute, a
    missing key) fails as that value would alone, never printing 'Undefined' on a card.
    (The value's size is already checked, so the walk is short.)"""
    if type(value) is str:
        return value  # (most pieces: text a variable or the template holds)
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Undefined):
            item._fail_with_undefined_error()
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, (list, tuple, set, frozenset)):  # (a tuple: faster than a union)
            pending += item
    return str(value)


def _value(value: Any) -> Any:
    """A list, tuple or dict written in the template (they can nest: [x, x] doubles x)."""
    return _budget().checked(value)


def _range(*args: int) -> range:
    """range(...) of at most Limits.range_size numbers."""
    budget = _budget()
    try:
        numbers = range(*args)
        small = len(numbers) <= budget.limits.range_size
    except OverflowError:
        small = False
    if not small:
        raise LimitExceeded(_("range の数が多すぎます（{limit:,}個まで）",
                              limit=budget.limits.range_size))
    return numbers


INTERNAL_FILTERS = {"_loop_items": _loop_items, "_output": _output, "_join": _join,
                    "_value": _value}


def _through(node: nodes.Expr, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


class _Guard(NodeTransformer):
    """Rewrites a template so that loops, output, joins and literals pass the checks."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        node.iter = _through(node.iter, "_loop_items")
        return node

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node = self.generic_visit(node)
        node.nodes = [_through(nodes.Const(child.data, lineno=child.lineno)
                               if isinstance(child, nodes.TemplateData) else child, "_output")
                      for child in node.nodes]
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        return _through(nodes.List(node.nodes, lineno=node.lineno), "_join")

    def visit_List(self, node: nodes.List) -> nodes.Node:
        return _through(self.generic_visit(node), "_value")

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        return _through(self.generic_visit(node), "_value")

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        node = self.generic_visit(node)
        return _through(node, "_value") if node.ctx == "load" else node


class TemplateFiles(BaseLoader):
    """Loads template files only: NAME.j2 (or the one file given by name) from the folders,
    in order, as UTF-8 (a BOM is allowed). A data file in the folder is never read."""

    def __init__(self, folders: list[Path], single_name: str | None = None) -> None:
        self.folders = folders
        self.single_name = single_name
        self.files: set[str] = set()  # the paths loaded, to find template lines in tracebacks

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        if not (template.endswith(".j2") or template == self.single_name):
            raise TemplateNotFound(template, _("{name} はテンプレートではありません: 読み込める"
                                               "のはテンプレートフォルダの .j2 ファイルだけです",
                                               name=template))
        path = self._find(template)
        if path is None:
            raise TemplateNotFound(template, _("テンプレート {name} が見つかりません: "
                                               "ファイル名とテンプレートフォルダを確かめて"
                                               "ください", name=template))
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise TemplateSyntaxError(_("UTF-8 ではありません: テンプレートを UTF-8 で保存し直して"
                                        "ください"), line, template, str(path)) from None
        self.files.add(str(path))
        return text, str(path), lambda: True  # a run uses one version of each file

    def _find(self, template: str) -> Path | None:
        """The first folder's file of that name; never a path leaving the folders (../)."""
        try:
            pieces = split_template_path(template)
        except TemplateNotFound:
            return None
        return next((folder.joinpath(*pieces) for folder in self.folders
                     if folder.joinpath(*pieces).is_file()), None)


class SandboxEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with the limits of this module (see the module's text)."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, loader: TemplateFiles, filters: dict[str, Callable[..., Any]],
                 **options: Any) -> None:
        super().__init__(loader=loader, **options)
        del self.globals["lipsum"]  # random text, and lipsum(n=20000) takes ages
        self.globals["range"] = _range
        self.filters.pop("random")  # the same customer always gets the same card
        self.filters.update(filters)
        self.filters = {name: guarded_filter(name, function)
                        for name, function in self.filters.items()}
        self.filters.update(INTERNAL_FILTERS)
        self._compiling: set[str] = set()

    def compile(self, source: Any, name: str | None = None, filename: str | None = None,
                raw: bool = False, defer_init: bool = False) -> Any:
        """Parse, load what the template includes (a missing or forbidden file is a mistake
        in this template, at that line), rewrite with the checks, then compile."""
        if isinstance(source, str):
            source = self.parse(source, name, filename)
        self._compiling.add(name or "")
        try:
            self._load_targets(source, name, filename)
        finally:
            self._compiling.discard(name or "")
        guarded = _Guard().visit(source)
        guarded.set_environment(self)  # the nodes _Guard made have none yet
        return super().compile(guarded, name, filename, raw, defer_init)

    def _load_targets(self, tree: nodes.Template, name: str | None,
                      filename: str | None) -> None:
        for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                   nodes.Extends)):
            target = node.template
            if not (isinstance(target, nodes.Const) and isinstance(target.value, str)):
                continue  # a name computed while rendering is checked then
            if target.value in self._compiling:
                continue  # includes itself: the loads limit stops it while rendering
            try:
                self.get_template(target.value)
            except TemplateNotFound as exc:
                if not getattr(node, "ignore_missing", False):
                    raise TemplateAssertionError(exc.message or str(exc), node.lineno, name,
                                                 filename) from None

    def get_template(self, name: Any, parent: str | None = None,
                     globals: dict[str, Any] | None = None) -> Any:
        self._count_load()
        return super().get_template(name, parent, globals)

    def select_template(self, names: Any, parent: str | None = None,
                        globals: dict[str, Any] | None = None) -> Any:
        self._count_load()
        return super().select_template(names, parent, globals)

    def _count_load(self) -> None:
        budget = _active.get()
        if budget is not None:
            budget.tick()
            budget.loads += 1
            if budget.loads > budget.limits.loads:
                raise LimitExceeded(_("読み込んだテンプレートが1枚で{limit}個を超えました"
                                      "（テンプレートが自分自身を読み込んでいませんか）",
                                      limit=budget.limits.loads))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in TEXT_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """+, *, ** and % with their operands checked first: no giant numbers or texts."""
        budget = _budget()
        limits = budget.limits
        if operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1:
            if right > 0 and (abs(left).bit_length() - 1) * right > limits.number_bits:
                raise LimitExceeded(_number_too_large(limits))
        elif operator == "*":
            _check_product(limits, left, right)
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(limits, left)
            if size_of(right, limits.text) > limits.text:
                raise LimitExceeded(_("書式に渡した値が大きすぎます（{limit:,}字まで）",
                                      limit=limits.text))
        return budget.checked(super().call_binop(context, operator, left, right))

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Every call (macros, methods, range, namespace …): the depth counted, text
        methods' arguments checked, the result checked."""
        budget = _budget()
        limits = budget.limits
        method = getattr(obj, "__wrapped__", obj)  # str.format comes wrapped by the sandbox
        if isinstance(getattr(method, "__self__", None), str):
            subject = method.__self__
            _check_call(limits, method.__name__, subject, [*args, *kwargs.values()])
            if method.__name__ in ("format", "format_map"):
                _check_brace_format(limits, subject)
        elif size_of([args, kwargs], limits.text) > limits.text:
            raise LimitExceeded(_("渡した値が大きすぎます（{limit:,}字まで）",
                                  limit=limits.text))
        budget.depth += 1
        try:
            if budget.depth > limits.depth:
                raise LimitExceeded(_("呼び出しの入れ子が{limit}段を超えました"
                                      "（マクロが自分自身を呼び続けていませんか）",
                                      limit=limits.depth))
            return budget.checked(super().call(context, obj, *args, **kwargs))
        finally:
            budget.depth -= 1


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_product(limits: Limits, left: Any, right: Any) -> None:
    """'あ' * 10**8, [x] * 10**6 and 2**200 * 2**200 are refused before they are made."""
    if _is_int(left) and _is_int(right):
        if left.bit_length() + right.bit_length() > limits.number_bits + 1:
            raise LimitExceeded(_number_too_large(limits))
        return
    count, sequence = (left, right) if _is_int(left) else (right, left)
    if _is_int(count) and isinstance(sequence, str | list | tuple):
        if count > 0 and size_of(sequence, limits.text) * count > limits.text:
            raise LimitExceeded(_("繰り返して作る文字列やリストが大きすぎます"
                                  "（{limit:,}字まで）", limit=limits.text))


def _number_too_large(limits: Limits) -> str:
    return _("数が大きすぎます（{limit}ビットまで）", limit=limits.number_bits)
