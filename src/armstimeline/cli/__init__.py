"""The command line: parse options, call the library, turn our errors into exit codes.

The group is defined here and each family of commands in its own module (``dataset``:
validate, stats, new; ``database``: build, serve; ``timeline``: export, list, show),
which this module registers; the modules share ``options``. Heavy imports (sqlite-utils,
datasette, icalendar) happen inside the commands that need them, so ``armstimeline
--help`` stays quick.
"""

from __future__ import annotations

import click

from armstimeline.cli.database import build, serve
from armstimeline.cli.dataset import new_command, stats, validate
from armstimeline.cli.importing import import_group
from armstimeline.cli.timeline import export_command, list_command, show_command

__all__ = ["cli"]


@click.group(
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
                 show_command, import_group):  # fmt: skip
    cli.add_command(_command)
