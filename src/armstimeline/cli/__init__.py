"""The command line: parse options, call the library, turn our errors into exit codes.

The group is defined here and each family of commands in its own module (``dataset``:
validate, stats, new; ``database``: build, serve; ``timeline``: export, list, show),
which this module registers; the modules share ``options``. Heavy imports (sqlite-utils,
datasette, icalendar) happen inside the commands that need them, so ``armstimeline
--help`` stays quick.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import click

from armstimeline.cli.database import build, serve
from armstimeline.cli.dataset import new_command, stats, validate
from armstimeline.cli.figures import figures_group
from armstimeline.cli.importing import import_group
from armstimeline.cli.timeline import export_command, list_command, show_command

__all__ = ["GuardedGroup", "cli"]


def _printable(text: object) -> str:
    """Text safe to print whatever bytes it came from (non-UTF-8 bytes as \\xNN)."""
    raw = os.fsencode(text) if isinstance(text, str | bytes) else str(text).encode()
    return raw.decode("utf-8", "backslashreplace")


def _sentence(exc: BaseException) -> str:
    """What went wrong outside the library's own errors, said as a sentence."""
    if isinstance(exc, UnicodeError):
        start, end = getattr(exc, "start", 0), getattr(exc, "end", 0)
        near = _printable(getattr(exc, "object", b"")[max(0, start - 20) : end + 20])
        return (
            f"An argument, a file name or a text to print is not valid UTF-8 (near "
            f"'{' '.join(near.split())}'); use UTF-8 text and run the command again."
        )
    assert isinstance(exc, OSError)
    reason = (exc.strerror or type(exc).__name__).rstrip(".")
    reason = reason[0].lower() + reason[1:]
    if exc.errno == errno.ENOENT and exc.filename is None:
        try:
            os.getcwd()
        except OSError:
            return (
                "The current folder no longer exists; change to one that does and run "
                "the command again."
            )
    if exc.filename is None:
        return f"The command could not finish: {reason}."
    name = _printable(exc.filename)
    if len(name) > 120:
        name = name[:60] + "…" + name[-40:]
    hint = {
        errno.ENAMETOOLONG: "use a shorter path",
        errno.EACCES: "choose a folder you may write to, or change its permissions",
        errno.EPERM: "choose a folder you may write to, or change its permissions",
        errno.EROFS: "choose a folder on a writable disk",
        errno.ENOSPC: "free some space",
    }.get(exc.errno or 0, "check the path")
    return f"Could not use '{name}': {reason}; {hint} and run the command again."


class GuardedGroup(click.Group):
    """The command group; an operating-system error or undecodable text that escaped a
    command (an over-long path, a read-only folder, a deleted working folder, non-UTF-8
    bytes in an argument) ends as one sentence and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OSError, UnicodeError) as exc:
            raise click.ClickException(_sentence(exc)) from exc
        except ValueError as exc:  # os functions given a name with a NUL byte in it
            if "null" not in str(exc):
                raise
            raise click.ClickException(
                "A file or folder name holds a NUL byte, which no name may; remove it and "
                "run the command again."
            ) from exc


@click.group(
    cls=GuardedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Example: armstimeline validate && armstimeline serve",
)
@click.version_option(package_name="armstimeline")
def cli() -> None:
    """Dated, sourced events on how Russia uses arms sales as a foreign-policy tool.

    Validate event files, build the SQLite database, serve it in Datasette and export
    timelines as CSV, iCalendar, JSON, TimelineJS or an SVG picture.
    """


for _command in (validate, stats, new_command, build, serve, export_command, list_command,
                 show_command, import_group, figures_group):  # fmt: skip
    cli.add_command(_command)
