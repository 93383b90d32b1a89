"""The CLI in the user's language: `--lang`, and --help texts translated when shown.

Click keeps the help texts given to its decorators; they are msgids (Japanese) marked with
`N_`, translated here when a help page is formatted. In: the language from `--lang`, else
HAGAKI_LANG or the locale. Out: LocalisedGroup / LocalisedCommand for click's `cls=`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from mailmerge.i18n import LANGUAGES, N_, _, speaking


@contextmanager
def _translated_help(command: click.Command) -> Iterator[None]:
    """Within the block the command's and its options' help texts are in the current language."""
    saved = [(command, command.help, command.short_help)]
    saved += [(param, getattr(param, "help", None), None) for param in command.params]
    try:
        for thing, text, short in saved:
            if text:
                thing.help = _(text)
            if short:
                thing.short_help = _(short)
        yield
    finally:
        for thing, text, short in saved:
            thing.help = text
            if isinstance(thing, click.Command):
                thing.short_help = short


class LocalisedCommand(click.Command):
    """A command whose help page is shown in the current language."""

    def get_help(self, ctx: click.Context) -> str:
        with _translated_help(self):
            return super().get_help(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _translated_help(self):
            return super().get_short_help_str(limit)


class LocalisedGroup(LocalisedCommand, click.Group):
    """The `hagaki` group: its commands are LocalisedCommands too."""

    command_class = LocalisedCommand
    group_class = type  # subgroups (hagaki log …) are LocalisedGroups too


def _choose_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.with_resource(speaking(value))


lang_option = click.option(
    "--lang", type=click.Choice(LANGUAGES), is_eager=True, expose_value=False,
    callback=_choose_language,
    help=N_("表示の言語（ja: 日本語、en: 英語）。"
            "既定は HAGAKI_LANG、なければロケールが日本語なら日本語。"))
