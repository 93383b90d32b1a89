"""Rendering a card's words from a Jinja2 template, in a sandbox.

In: a situation, a customer id (to choose a variant) and the template variables. Out: a
Message (heading, paragraphs, closing, date line, signature). Templates are files with the
blocks `heading`, `body`, `closing`, `date` and `signature`; built-in ones live in
templates/builtin as SITUATION-N.j2, and a user's folder or file overrides them. In `body`,
a blank line starts a new paragraph (a new column); lines of one paragraph are joined, and a
paragraph that starts with a full-width space is indented by one character (字下げ).

The environment is Jinja2's immutable sandbox with StrictUndefined: an undefined name, a
syntax error or an attempt to reach Python internals raises TemplateProblem naming the file,
the line and what went wrong. Customer data is only ever a value, never template code.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from mailmerge.errors import TemplateProblem
from mailmerge.templates import filters

BUILTIN = Path(__file__).parent / "builtin"
BLOCKS = ("heading", "body", "closing", "date", "signature")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Message:
    template: str  # the template file's name
    heading: str
    paragraphs: tuple[str, ...]
    closing: str
    date_line: str
    signature: str


class Templates:
    """The templates of one run: built-in, overridden by a folder or a single file."""

    def __init__(self, folder: Path | None = None, single_file: Path | None = None) -> None:
        search = [str(folder)] if folder else []
        search.append(str(BUILTIN))
        if single_file is not None and not single_file.is_file():
            raise TemplateProblem(f"template file not found: {single_file}")
        if folder is not None and not folder.is_dir():
            raise TemplateProblem(f"templates folder not found: {folder}")
        self.single_file = single_file
        self.folders = [Path(p) for p in search]
        self.environment = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(search + ([str(single_file.parent)]
                                                     if single_file else [])),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.environment.filters.update(filters.FILTERS)
        self._names: dict[str, list[str]] = {}

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
        raise TemplateProblem(f"no template for the situation {situation!r}")

    def choose(self, situation: str, customer_id: str) -> str:
        """The variant for this customer: always the same one for the same customer."""
        names = self.names_for(situation)
        digest = hashlib.sha256(f"{situation}:{customer_id}".encode()).digest()
        return names[int.from_bytes(digest[:4], "big") % len(names)]

    def render(self, name: str, variables: dict) -> Message:
        """Render one template with the given variables."""
        template = self._load(name)
        context = template.new_context(dict(variables))
        texts = {}
        for block in BLOCKS:
            render_block = template.blocks.get(block)
            texts[block] = self._run(name, template, lambda f=render_block: "".join(f(context))
                                     ) if render_block else ""
        paragraphs = tuple("".join(line.strip(" \t") for line in part.splitlines())
                           for part in _PARAGRAPH_BREAK.split(texts["body"].strip(" \t\n")))
        return Message(name, texts["heading"].strip(), tuple(p for p in paragraphs if p),
                       texts["closing"].strip(), texts["date"].strip(),
                       texts["signature"].strip())

    def _load(self, name: str) -> jinja2.Template:
        try:
            return self.environment.get_template(name)
        except TemplateSyntaxError as exc:
            raise TemplateProblem(f"{exc.filename or name} line {exc.lineno}: {exc.message}"
                                  ) from None
        except TemplateError as exc:
            raise TemplateProblem(f"{name}: {exc}") from None

    def _run(self, name: str, template: jinja2.Template, render) -> str:
        try:
            try:
                return render()
            except Exception:
                self.environment.handle_exception()  # re-raises with template line numbers
        except UndefinedError as exc:
            raise TemplateProblem(
                f"{_where(exc, template, name)}: {exc.message} (check the spelling; the "
                "variables are listed in the README)") from None
        except SecurityError as exc:
            raise TemplateProblem(f"{_where(exc, template, name)}: refused by the sandbox: "
                                  f"{exc}") from None
        except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as exc:
            raise TemplateProblem(f"{_where(exc, template, name)}: {exc}") from None
        return ""


def _where(exc: BaseException, template: jinja2.Template, name: str) -> str:
    """'thanks.j2 line 4': the template line where the error happened."""
    filename = template.filename
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return f"{Path(filename or name).name} line {line}" if line else Path(filename or name).name
