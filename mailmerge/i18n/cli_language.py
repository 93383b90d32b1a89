"""The CLI in the user's language: `--lang`, and --help texts translated when shown.

Click keeps the help texts given to its decorators; they are msgids (Japanese) marked with
`N_`, translated here when a help page is formatted. In: the language from `--lang`, else
HAGAKI_LANG or the locale. Out: LocalisedGroup / LocalisedCommand for click's `cls=`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click

from mailmerge.i18n import LANGUAGES, N_, _, language_from_environment, speaking

HELP_OPTION_HELP = N_("この説明を表示して終わります。")
VERSION_OPTION_HELP = N_("版（バージョン）を表示して終わります。")


@contextlib.contextmanager
def _translated_help(command: click.Command, ctx: click.Context | None) -> Iterator[None]:
    """Within the block the command's and its options' help texts are in the current language
    (its help text, short help, epilog, and every option's help, --help's included)."""
    params = list(command.params)
    if ctx is not None and (help_option := command.get_help_option(ctx)) is not None:
        params.append(help_option)
    saved = [(param, "help", param.help) for param in params
             if isinstance(param, click.Option) and param.help]
    saved += [(command, name, getattr(command, name))
              for name in ("help", "short_help", "epilog") if getattr(command, name)]
    try:
        for thing, name, text in saved:
            setattr(thing, name, _(text))
        yield
    finally:
        for thing, name, text in saved:
            setattr(thing, name, text)


class LocalisedCommand(click.Command):
    """A command whose help page is shown in the current language."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        created = self._help_option is None
        option = super().get_help_option(ctx)
        if option is not None and created:  # later calls keep the help being shown
            option.help = HELP_OPTION_HELP
        return option

    def get_help(self, ctx: click.Context) -> str:
        with _translated_help(self, ctx):
            return super().get_help(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The help's first sentence; a Japanese one ends at 「。」 (click looks for ". ")."""
        with _translated_help(self, None):
            text = self.help or ""
            if self.short_help or "。" not in text.split("\n\n")[0]:
                return super().get_short_help_str(limit)
        sentence = text.split("\n\n")[0].split("。")[0].replace("\n", "")
        return sentence if len(sentence) <= limit else sentence[:limit - 1] + "…"


class LocalisedGroup(LocalisedCommand, click.Group):
    """The `hagaki` group: its commands are LocalisedCommands too, and the whole run —
    click's own error lines after the command's context is closed included — speaks the
    language `--lang` asks for (else the environment's, read once for the whole run)."""

    command_class = LocalisedCommand
    group_class = type  # subgroups (hagaki log …) are LocalisedGroups too

    def main(self, args=None, *rest, **extra):
        args = list(sys.argv[1:] if args is None else args)
        with speaking(lang_asked(args) or language_from_environment()):
            return super().main(args, *rest, **extra)


def lang_asked(args: list[str]) -> str | None:
    """The language `--lang` asks for among the group's options (before the command)."""
    for index, arg in enumerate(args):
        if arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        elif arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif not arg.startswith("-") and (index == 0 or args[index - 1] != "--lang"):
            return None  # the command's name: its own arguments follow
        else:
            continue
        return value if value in LANGUAGES else None
    return None


lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), expose_value=False,  # read by LocalisedGroup.main
    help=N_("表示の言語（ja: 日本語、en: 英語）。"
            "既定は HAGAKI_LANG、なければロケールが日本語なら日本語、ほかは英語。"))
