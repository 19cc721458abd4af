"""What every command shares: our errors as exit codes, the folder options, the filters."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from armstimeline import paths
from armstimeline.errors import ArmstimelineError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = [
    "db_option",
    "dirs",
    "events_options",
    "filter_options",
    "load_timeline",
    "make_filter",
    "progress_bar",
    "run_library",
    "split_filters",
]


class ProblemsReported(click.ClickException):
    """Problems already printed one per line; exit 1 with a closing count."""

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def run_library(func: Callable[..., Any]) -> Callable[..., Any]:
    """Map our errors to click's: problems one per line on stderr, exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            n = len(exc.problems)
            found = "1 problem found; fix it" if n == 1 else f"{n} problems found; fix them"
            raise ProblemsReported(f"{found} and run the command again.") from exc
        except ArmstimelineError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def events_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--events and --sources, shared by every command that reads the dataset."""
    func = click.option(
        "--sources",
        "sources_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder with sources.yml and the source texts. Default: the seeds folder beside "
        "the events folder, else bundled.",
    )(func)
    return click.option(
        "--events",
        "events_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of event files. Default: ./events, else the bundled events.",
    )(func)


def progress_bar(paths: Sequence[Path]) -> Iterator[Path]:
    """A progress bar on a terminal for large folders; silent when piped."""
    if len(paths) < 500 or not sys.stderr.isatty():
        yield from paths
        return
    with click.progressbar(paths, label="Reading event files", file=sys.stderr) as bar:
        yield from bar


def dirs(events_dir: Path | None, sources_dir: Path | None) -> tuple[Path, Path]:
    """The events folder (``./events``, else the bundled one) and its sources (the
    ``seeds`` folder beside it, else the bundled one), unless given."""
    events = events_dir or paths.default_events_dir()
    return events, sources_dir or paths.sources_for(events)



def load_timeline(  # type: ignore[no-untyped-def]
    events_dir: Path | None, sources_dir: Path | None, withdrawn: bool = False
):
    from armstimeline.timeline import load

    events_dir, sources_dir = dirs(events_dir, sources_dir)
    return load(events_dir, sources_dir, withdrawn=withdrawn)


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("armstimeline.db"),
        show_default=True,
        help="The SQLite database file.",
    )(func)



def filter_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The one filter language, as options shared by list and export."""
    options = [
        click.option("--country", "countries", multiple=True, metavar="ISO3",
                     help="Events with this country (ISO 3166-1 alpha-3). Repeatable."),
        click.option("--role", default=None, metavar="ROLE",
                     help="With --country: only in this role (supplier, recipient, buyer, ...)."),
        click.option("--actor-type", "actor_types", multiple=True, metavar="TYPE",
                     help="With --country or --role: only actors of this type (state, group, "
                     "organisation, unknown, unmapped): --actor-type state leaves a country's "
                     "armed groups out. Repeatable."),
        click.option("--kind", "kinds", multiple=True, help="Events of this kind. Repeatable."),
        click.option("--system", "systems", multiple=True,
                     help="Events naming this weapon system; aliases match (SS-26 Stone)."),
        click.option("--tag", "tags", multiple=True, help="Events with this tag. Repeatable."),
        click.option("--region", "regions", multiple=True, help="Events in this region."),
        click.option("--from", "start", default=None, metavar="DATE",
                     help="Events that could fall on or after this date (2015, 2015-06, ...)."),
        click.option("--to", "end", default=None, metavar="DATE",
                     help="Events that could fall on or before this date."),
        click.option("--search", "text", default=None, metavar="WORDS",
                     help="Events whose text contains all these words."),
        click.option("--origin", type=click.Choice(["curated", "register"]), default=None,
                     help="Only the editors' events (curated) or only imported ones (register)."),
        click.option("--widen", is_flag=True, default=False,
                     help="Let approximate or uncertain dates (2016~, 2016?) match ranges "
                     "they miss by one unit of their precision."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def make_filter(**kwargs: Any):  # type: ignore[no-untyped-def]
    from armstimeline.timeline import Filter

    return Filter(
        countries=kwargs.get("countries") or (),
        role=kwargs.get("role"),
        kinds=kwargs.get("kinds") or (),
        systems=kwargs.get("systems") or (),
        tags=kwargs.get("tags") or (),
        regions=kwargs.get("regions") or (),
        start=kwargs.get("start"),
        end=kwargs.get("end"),
        text=kwargs.get("text"),
        widen=bool(kwargs.get("widen")),
        origin=kwargs.get("origin"),
        actor_types=kwargs.get("actor_types") or (),
    )


FILTER_KEYS = ("countries", "role", "kinds", "systems", "tags", "regions", "start", "end", "text",
               "widen", "origin", "actor_types")  # fmt: skip


def split_filters(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: kwargs.pop(k) for k in FILTER_KEYS}

