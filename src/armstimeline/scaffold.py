"""A new event file's skeleton, written for a contributor to fill in."""

from __future__ import annotations

import json
from pathlib import Path

from armstimeline import reference
from armstimeline.dates import parse_date
from armstimeline.errors import DateError, UsageError, did_you_mean, relpath
from armstimeline.loading import quote_in_text, source_registry
from armstimeline.model import ID_PATTERN
from armstimeline.slugs import slugify

__all__ = ["new_event_file", "slugify"]

TEMPLATE = """\
id: {id}
title: {title}
date: "{date}"
kind: {kind}
actors:                      # ISO 3166-1 alpha-3 codes; roles: {roles}
  - {{country: RUS, role: supplier}}
systems: []                  # names or aliases from the systems catalog
amounts: []                  # e.g. {{value: 1000000000, currency: USD, what: loan}}
places: []                   # e.g. {{name: Yerevan, lat: 40.18, lon: 44.51}}
summary: {summary}
sources:
  - source: {source}
    quote: {quote}
tags: []
relations: []                # e.g. {{type: caused, target: another-event-id}}
"""


def new_event_file(
    folder: Path,
    title: str,
    date_text: str,
    *,
    kind: str = "deal",
    event_id: str | None = None,
    source: str | None = None,
    quote: str | None = None,
    sources_dir: Path | None = None,
) -> Path:
    """Write ``folder/<id>.yml``; refuse to overwrite an existing file.

    What the validator would refuse at once is refused here instead: an empty title, a
    source that is not in the registry of ``sources_dir``, a quote not found in its text.
    """
    if not title.strip():
        raise UsageError("The title is empty; give the event a one-line title.")
    if "\n" in title.strip() or "\r" in title:
        raise UsageError("The title must be one line.")
    if source is not None and sources_dir is not None:
        _check_source(source, quote, sources_dir)
    try:
        date = parse_date(date_text)
    except DateError as exc:
        raise UsageError(f"The date '{date_text}' is not valid: {exc}.") from exc
    if kind not in reference.kinds():
        raise UsageError(
            f"The kind '{kind}' is not known; use one of {', '.join(reference.kinds())}."
        )
    event_id = event_id or slugify(f"{title} {date.earliest.year}")
    if not ID_PATTERN.fullmatch(event_id):
        raise UsageError(f"The id '{event_id}' must be lower-case words and hyphens.")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{event_id}.yml"
    if path.exists():
        raise UsageError(f"{path} already exists; choose another --id.")
    text = TEMPLATE.format(
        id=event_id,
        title=json.dumps(title, ensure_ascii=False),
        date=date,
        kind=kind,
        roles=", ".join(reference.roles()),
        summary=json.dumps(
            title if source and quote else "TODO: what happened, in your own words.",
            ensure_ascii=False,
        ),
        source=source or "TODO-source-id-from-seeds-sources-yml",
        quote=json.dumps(
            quote or "TODO: a short verbatim quote from that source", ensure_ascii=False
        ),
    )
    data = text.encode("utf-8")  # before the file exists: text that cannot be written leaves none
    path.write_bytes(data)
    return path


def _check_source(source: str, quote: str | None, sources_dir: Path) -> None:
    registry, texts = source_registry(sources_dir)
    if source not in registry:
        raise UsageError(
            f"The source '{source}' is not in {relpath(sources_dir / 'sources.yml')}"
            f"{did_you_mean(source, registry, n=1)}; register it there first."
        )
    checked = quote is not None and registry[source].checked_locally
    if checked and not quote_in_text(quote or "", texts.get(source, "")):
        raise UsageError(
            f"The quote is not in the text of '{source}'; copy it verbatim "
            "(white space may differ)."
        )
