"""Rendering a card's words from a Jinja2 template, in a sandbox.

In: a situation, a customer id (to choose a variant) and the template variables. Out: a
Message (heading, paragraphs, closing, date line, signature). Templates are files with the
blocks `heading`, `body`, `closing`, `date` and `signature`; built-in ones live in
templates/builtin as SITUATION-N.j2, and a user's folder or file overrides them. In `body`,
a blank line starts a new paragraph and a line break starts a new line (each a new column,
as written: a paragraph keeps its line breaks as "\n"); a line that starts with a full-width
space is indented by one character (字下げ).

Templates run in templates.sandbox: Jinja2's immutable sandbox with StrictUndefined, limits
per card (time, loops, sizes, depth) and only template files to include. Customer data is
only ever a value, never template code. Two kinds of failure:

- the template itself is wrong (a syntax error, not UTF-8, a missing or non-template include,
  an unknown variable, a reach for Python internals): TemplateProblem naming the file and
  the line. The run stops: every card would fail the same way.
- one card fails (its customer's data does not suit the template, or the template hits a
  limit with it): CardError, field "template", with a stable code and a message naming the
  file and line: template-error, template-limit, empty-message or message-too-long.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.runtime import Context
from msgspec import Struct

from mailmerge.errors import CardError, TemplateProblem
from mailmerge.i18n import _
from mailmerge.templates import BUILTIN, filters
from mailmerge.templates.reads import MAX_KEPT, values_key, variables_read
from mailmerge.templates.sandbox import (
    LimitExceeded,
    Limits,
    SandboxEnvironment,
    TemplateFiles,
    card_limits,
)

BLOCKS = ("heading", "body", "closing", "date", "signature")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# The longest message worth laying out. At the smallest size in layouts/message.toml (8 pt
# body in a 124 x 84 mm area, columns 1.75 em apart) a card holds at most 589 kana in
# vertical columns, 645 set horizontally, and 1,422 half-width letters set horizontally
# (measured, one paragraph, no heading). Anything longer than 1,500 can never fit, and
# laying it out only to refuse it costs seconds (the layout's time grows with the square
# of the length: 0.7 s at 1,500 characters, 54 s at 20,000). Shorter messages that still do
# not fit get the layout's own exact too-long.
MAX_MESSAGE_CHARS = 1_500


class Message(Struct, frozen=True):
    template: str  # the template file's name
    heading: str
    paragraphs: tuple[str, ...]
    closing: str
    date_line: str
    signature: str

    def length(self) -> int:
        """Characters the card says, all parts together."""
        return sum(map(len, (self.heading, *self.paragraphs, self.closing, self.date_line,
                             self.signature)))


class Templates:
    """The templates of one run: built-in, overridden by a folder or a single file."""

    def __init__(self, folder: Path | None = None, single_file: Path | None = None,
                 limits: Limits | None = None) -> None:
        if single_file is not None and not single_file.is_file():
            raise TemplateProblem(_("テンプレートのファイルがありません: {file}",
                                    file=single_file))
        if folder is not None and not folder.is_dir():
            raise TemplateProblem(_("テンプレートのフォルダがありません: {folder}",
                                    folder=folder))
        self.single_file = single_file
        self.folders = [folder] if folder else []
        self.folders.append(BUILTIN)
        search = ([single_file.parent] if single_file else []) + self.folders
        self.loader = TemplateFiles(search, single_file.name if single_file else None)
        self.limits = limits or Limits()
        self.environment = SandboxEnvironment(
            self.loader,
            filters.FILTERS,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # a run's templates stay as read (no stat on every card)
        )
        self._names: dict[str, list[str]] = {}
        self._reads: dict[str, tuple[str, ...] | None] = {}  # checked: the variables read
        self._rendered: dict[tuple, Message] = {}  # (template, values read) → its words
        # templates whose top level does something (extends another, imports, sets): it is
        # run before the blocks, which then see what it made and the blocks they inherit
        self._top_level: set[str] = set()

    def names_for(self, situation: str) -> list[str]:
        """Template file names for a situation: a single file, else the folder's own
        SITUATION*.j2, else the built-in variants (looked up once per situation)."""
        if situation not in self._names:
            self._names[situation] = self._find_names(situation)
        return self._names[situation]

    def _find_names(self, situation: str) -> list[str]:
        if self.single_file is not None:
            return [self.single_file.name]
        for folder in self.folders:
            names = sorted(p.name for p in folder.glob(f"{situation}*.j2")
                           if re.fullmatch(rf"{re.escape(situation)}(-\d+)?\.j2", p.name))
            if names:
                return names
        raise TemplateProblem(_("場面 {situation!r} のテンプレートがありません",
                                situation=situation))

    def choose(self, situation: str, customer_id: str) -> str:
        """The variant for this customer: always the same one for the same customer."""
        names = self.names_for(situation)
        digest = hashlib.sha256(f"{situation}:{customer_id}".encode()).digest()
        return names[int.from_bytes(digest[:4], "big") % len(names)]

    def render(self, name: str, variables: dict) -> Message:
        """Render one template with the given variables, within the limits of one card.
        (Kept per the values the template reads: a seasonal card that names only the family
        is written once per family name.)"""
        key = self._key(name, variables)
        found = self._rendered.get(key) if key is not None else None
        if found is not None:
            return found
        template = self._load(name, variables)
        key = key or self._key(name, variables)  # a template's first card: checked now
        message = self._rendered_words(name, template, variables)
        if key is not None:
            if len(self._rendered) >= MAX_KEPT:
                self._rendered.clear()
            self._rendered[key] = message
        return message

    def _key(self, name: str, variables: dict) -> tuple | None:
        """(name, the values the template reads) once the template is checked; None before,
        or when what it reads is not known."""
        reads = self._reads.get(name)
        values = None if reads is None else values_key(variables, reads)
        return None if values is None else (name, values)

    def _rendered_words(self, name: str, template: jinja2.Template,
                        variables: dict) -> Message:
        context = template.new_context(dict(variables))
        texts = dict.fromkeys(BLOCKS, "")
        with card_limits(self.limits):
            if name in self._top_level:
                self._run(name, template.root_render_func, context)
            for block in BLOCKS:
                render_block = context.blocks.get(block)
                if render_block:  # the template's own, else the one it inherits
                    texts[block] = self._run(name, render_block[0], context)
        paragraphs = tuple("\n".join(kept for line in part.splitlines()
                                     if (kept := line.strip(" \t")))
                           for part in _PARAGRAPH_BREAK.split(texts["body"].strip(" \t\n")))
        message = Message(name, texts["heading"].strip(), tuple(p for p in paragraphs if p),
                          texts["closing"].strip(), texts["date"].strip(),
                          texts["signature"].strip())
        return _printable(message, name)

    def _load(self, name: str, variables: dict) -> jinja2.Template:
        """The compiled template; its mistakes (and those of what it includes) are
        TemplateProblems, found before any card is made."""
        try:
            template = self.environment.get_template(name)
        except TemplateSyntaxError as exc:
            raise _syntax_problem(exc, name) from None
        except TemplateNotFound as exc:
            raise TemplateProblem(f"{name}: {exc.message or exc}") from None
        except TemplateError as exc:
            raise TemplateProblem(f"{name}: {exc}") from None
        except (RecursionError, MemoryError, SyntaxError):
            raise TemplateProblem(_("{file}: 入れ子が深すぎて読み込めません: {{% if %}} や "
                                    "{{% for %}}、括弧の入れ子を減らしてください",
                                    file=name)) from None
        if name not in self._reads:
            tree = self.environment.parse(self.loader.get_source(self.environment, name)[0])
            self._check_names(name, tree, variables)
            if any(not isinstance(node, (nodes.Block, nodes.Output)) for node in tree.body):
                self._top_level.add(name)
            self._reads[name] = variables_read(self.environment, name)
        return template

    def _check_names(self, name: str, tree: nodes.Template, variables: dict) -> None:
        """A name that is neither a variable nor defined in the template is a typo, the
        same for every card."""
        unknown = (meta.find_undeclared_variables(tree) - set(variables)
                   - set(self.environment.globals) - _top_level_names(tree))
        if unknown:
            first = min((node for node in tree.find_all(nodes.Name) if node.name in unknown),
                        key=lambda node: node.lineno)
            raise TemplateProblem(_(
                "{where}: 変数 '{name}' はありません。綴りを確かめてください（使える変数は "
                "README の Messages にあります）",
                where=_file_line(name, first.lineno), name=first.name))

    def _run(self, name: str, render_block: Callable[[Context], Iterator[str]],
             context: Context) -> str:
        """One block's text; a failure becomes a CardError, or a TemplateProblem when the
        template itself is wrong."""
        try:
            try:
                return "".join(render_block(context))
            except Exception:
                self.environment.handle_exception()  # re-raises with template line numbers
        except TemplateSyntaxError as exc:  # a template included by a computed name
            raise _syntax_problem(exc, name) from None
        except SecurityError as exc:
            raise TemplateProblem(_("{where}: サンドボックスが止めました: {reason}（安全のため"
                                    "使えない操作です。テンプレートから外してください）",
                                    where=self._where(exc, name), reason=exc)) from None
        except LimitExceeded as exc:
            raise _card_error("template-limit", _("{where}: {reason}。テンプレートを見直して"
                                                  "ください", where=self._where(exc, name),
                                                  reason=exc)) from None
        except (RecursionError, MemoryError) as exc:
            raise _card_error("template-limit", _("{where}: 入れ子が深すぎます（テンプレートや"
                                                  "マクロが自分自身を呼び続けていませんか）",
                                                  where=self._where(exc, name))) from None
        except filters.FilterInputError as exc:
            raise _card_error("template-error", f"{self._where(exc, name)}: {exc}") from None
        except Exception as exc:
            raise _card_error("template-error", _("{where}: このお客様のデータでは文面が"
                                                  "作れません（{reason}）。テンプレートのこの行を"
                                                  "確かめてください",
                                                  where=self._where(exc, name),
                                                  reason=exc)) from None
        return ""

    def _where(self, exc: BaseException, name: str) -> str:
        """'thanks.j2 4 行目': the innermost template line in the traceback."""
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if frame.filename in self.loader.files:
                return _file_line(Path(frame.filename).name, frame.lineno)
        return name


def _top_level_names(tree: nodes.Template) -> set[str]:
    """The names a template's top level makes for its blocks: what it sets, imports and
    defines as macros."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (nodes.Assign, nodes.AssignBlock)):  # a name, or a tuple of them
            targets = [node.target, *node.target.find_all(nodes.Name)]
            names |= {target.name for target in targets if isinstance(target, nodes.Name)}
        elif isinstance(node, nodes.Import):
            names.add(node.target)
        elif isinstance(node, nodes.FromImport):
            names |= {item[1] if isinstance(item, tuple) else item for item in node.names}
        elif isinstance(node, nodes.Macro):
            names.add(node.name)
    return names


def _file_line(file_name: str, line: int | None) -> str:
    """Where in a template: 'thanks.j2 4 行目' ('thanks.j2 line 4')."""
    return _("{file} {line} 行目", file=file_name, line=line)


def _syntax_problem(exc: TemplateSyntaxError, name: str) -> TemplateProblem:
    """'mine.j2 2 行目: …': a template (or one it includes) that cannot be compiled."""
    return TemplateProblem(_("{where}: {reason}（テンプレートのこの行を直してください）",
                             where=_file_line(Path(exc.filename or name).name, exc.lineno),
                             reason=exc.message))


def _card_error(code: str, message: str) -> CardError:
    return CardError(code, message, "template")


def _printable(message: Message, file_name: str) -> Message:
    """The message, unless it would print a blank card or could never fit on one."""
    if not message.paragraphs:
        raise _card_error("empty-message", _("{file}: 本文が空になりました（body ブロックが"
                                             "何も書き出していません）。このお客様にも本文が"
                                             "出るように、テンプレートの条件を見直してください",
                                             file=file_name))
    length = message.length()
    if length > MAX_MESSAGE_CHARS:
        raise _card_error("message-too-long", _("{file}: 文面が{length:,}字になりました。"
                                                "はがきに入るのは一番小さな文字でも約{limit:,}字"
                                                "までです: 文面を短くしてください",
                                                file=file_name, length=length,
                                                limit=MAX_MESSAGE_CHARS))
    return message
