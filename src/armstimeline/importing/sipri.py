"""``import_sipri``: check a SIPRI trade register and register it as the project's data.

No event file is written: the register file is kept byte for byte in the sources folder
with its edition and scope, and loading derives its events from its rows (see
``armstimeline.registers``). Registering a newer edition matches its rows to the rows they
revise, once, and records the match beside it; the report says what SIPRI added, revised
(with its column names), renamed and withdrawn. Unknown names are kept as written and
listed. Nothing is written when the file has a problem, or with ``dry_run``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import attrs

from armstimeline.bulk import collector_paused
from armstimeline.errors import Problem, ValidationError, relpath
from armstimeline.importing.legacy import legacy_files
from armstimeline.importing.registry import (
    SourcePlan,
    locked,
    registry_text,
    replace_entry,
    source_entry,
)
from armstimeline.importing.scope import cautions, edition_of, import_scope, scope_words
from armstimeline.loading import project_systems
from armstimeline.loading.sources import parse_sources
from armstimeline.model import Source
from armstimeline.registers import (
    MATCHES_FORMAT,
    Edition,
    Names,
    Register,
    RegisterRow,
    current_rows,
    in_scope,
    match_rows,
    number,
    project_names,
    read_editions,
    read_register,
)
from armstimeline.registers.reader import MAX_REGISTER_BYTES, MAX_VALUE, Known

__all__ = ["REGISTER", "ImportReport", "import_sipri"]

REGISTER = "sipri-trade-register"  # the register every SIPRI trade-register file is of


@attrs.frozen
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    register: Register
    source_id: str
    source_added: bool
    edition: str
    selected: int  # rows within the scope
    events: int  # events the rows make
    added: tuple[str, ...]  # ids of rows no earlier edition has
    revised: tuple[tuple[str, str, tuple[str, ...]], ...]  # (id, rule, changes)
    unchanged: int
    withdrawn: tuple[str, ...]  # ids of earlier rows this edition no longer lists
    ambiguous: tuple[str, ...]
    unmapped: tuple[Problem, ...]  # names kept as written
    skipped: tuple[Problem, ...]  # rows --skip-bad-rows left out, with why
    dry_run: bool
    # sentences about editions: a newer one registered already that supersedes this one
    # within its scope, another file of the same date
    cautions: tuple[str, ...] = ()


def import_sipri(
    path: str | Path,
    events_dir: str | Path,
    sources_dir: str | Path | None = None,
    *,
    suppliers: Iterable[str] = (),
    recipients: Iterable[str] = (),
    edition: date | str | None = None,
    skip_bad_rows: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Register ``path``, a SIPRI trade register file, as data of the project.

    ``suppliers`` and ``recipients`` limit the rows it covers (SIPRI's names, country
    names or codes: "Russia", "RUS", "Soviet Union"). ``edition`` dates a file whose
    "Data generated" stamp was removed. ``sources_dir`` defaults to the ``seeds`` folder
    beside the events folder. Raises ValidationError, naming each line, when the file is
    not a register, a row cannot be read (unless ``skip_bad_rows``), or the project holds
    event files of the old per-row layout; nothing is written then.
    """
    # two editions' 60,000 rows are objects that are never garbage (a fifth of an
    # import's time was the collector walking them)
    with collector_paused():
        return _import(
            Path(path), Path(events_dir), sources_dir, tuple(suppliers), tuple(recipients),
            edition, skip_bad_rows, dry_run,
        )  # fmt: skip


def _import(
    path: Path,
    events_dir: Path,
    sources_dir: str | Path | None,
    suppliers: tuple[str, ...],
    recipients: tuple[str, ...],
    edition: date | str | None,
    skip_bad_rows: bool,
    dry_run: bool,
) -> ImportReport:
    folder = Path(sources_dir) if sources_dir is not None else events_dir.parent / "seeds"
    again = _registered_already(Path(path), folder, suppliers, recipients)
    if again is not None:
        return again
    registered, before = _editions_before(folder)
    # the lines an earlier edition has read as they did there (most of a new edition)
    lines_known: Known = {}
    for editions in before[0].values():
        for each in editions:
            for header, lines in each.register.known.items():
                lines_known.setdefault(header, {}).update(lines)
    register, problems = read_register(path, skip_bad_rows=skip_bad_rows, known=lines_known)
    if register is None or (problems and not skip_bad_rows):
        raise ValidationError(problems)
    old = legacy_files(events_dir)
    if old:
        raise ValidationError([Problem(
            relpath(events_dir), None, "",
            f"holds {len(old)} event files an earlier import wrote, one per register row "
            f"(e.g. {old[0].name}); registers are now read directly, and those files would "
            "count every row twice. Remove them first with `armstimeline import drop-files`",
        )])  # fmt: skip
    scope = import_scope(register, list(suppliers), list(recipients))
    dated = edition_of(register, edition)
    name = REGISTER
    if register.delivery_years:  # counts only those years' deliveries: another register
        name = f"{REGISTER}-{register.delivery_years[0]}-{register.delivery_years[1]}"
    ids = number(register.bases)
    chosen = [
        (i, row) for i, row in enumerate(register.rows)
        if in_scope(row.supplier, row.recipient, *scope)
    ]  # fmt: skip
    _, catalog_problems = project_systems(events_dir)  # the catalog is checked, not used
    extra, name_problems = project_names(events_dir)
    if catalog_problems or name_problems:
        raise ValidationError([*catalog_problems, *name_problems])
    with locked(folder) if not dry_run else contextlib.nullcontext():
        sources = _sources(folder)
        known = next(
            (s for s in sources.values()
             if s.file and _file_digest(folder / s.file) == register.sha256),
            None,
        )
        if known is not None and known.register is not None:
            return _report(register, known.id, False, dated, chosen, {}, (), (), (), (),
                           dry_run)  # fmt: skip
        notes = cautions(sources, name, dated, scope, chosen)
        # the editions read before the lock, unless the registry changed meanwhile
        read = before if sources == registered else read_editions(sources, folder)
        older = _current_before(read, name, dated, scope)
        revisions = match_rows(older, [row for _, row in chosen])
        inherited = {ids[chosen[m.new][0]]: m.old_id for m in revisions.matches}
        final = {i: inherited.get(ids[i], ids[i]) for i, _ in chosen}
        names = Names(extra)
        mapped: set[tuple[str, str]] = set()  # an unmapped name is reported with its rows
        for _, row in chosen:
            for said in ((row.supplier, "supplier"), (row.recipient, "recipient")):
                if said in mapped:
                    continue
                if names.actor(*said, f"line {row.line}").type != "unmapped":
                    mapped.add(said)
        events = sum(2 if row.years else 1 for _, row in chosen)  # an order, and deliveries
        _check_ids(events_dir, register, final)
        source_id = known.id if known is not None else _source_id(sources, dated, register)
        report = _report(
            register, source_id, True, dated, chosen, final,
            tuple(ids[chosen[j][0]] for j in revisions.added),
            tuple((m.old_id, m.rule, m.changes) for m in revisions.matches
                  if m.rule != "unchanged"),
            revisions.withdrawn, revisions.ambiguous, dry_run, events,
            tuple(names.report(relpath(Path(path)))), tuple(problems),
        )  # fmt: skip
        report = attrs.evolve(report, cautions=notes)
        if dry_run:
            return report
        _plan(folder, register, source_id, known, name, dated, scope, inherited, report).apply()
        return report


def _registered_already(
    path: Path, folder: Path, suppliers: tuple[str, ...], recipients: tuple[str, ...]
) -> ImportReport | None:
    """The report of a file registered already (the same bytes, as a register): nothing to
    read or write. None when it is not, or cannot be told before reading the file."""
    if not (folder / "sources.yml").is_file():
        return None
    digest = _file_digest(path)
    if digest is None:
        return None
    for source in _sources(folder).values():
        if source.register and source.file and _file_digest(folder / source.file) == digest:
            asked = (suppliers or source.suppliers, recipients or source.recipients)
            if asked != (source.suppliers, source.recipients):
                raise ValidationError([Problem(
                    relpath(path), None, "--supplier/--recipient",
                    f"this file is registered already as '{source.id}', covering "
                    f"{scope_words(source)}; a registered file keeps its scope (register a "
                    "download of the other scope as a file of its own)",
                )])  # fmt: skip
            # its rows are not read again: the report says only that nothing changed
            register = Register(path, source.encoding or "latin-1", None, None, (), digest)
            return _report(register, source.id, False, source.edition or "", [], {}, (), (),
                           (), (), False)  # fmt: skip
    return None


def _file_digest(path: Path) -> str | None:
    """A regular file's SHA-256 (None for anything else, or anything larger than a
    register: a pipe or a huge file is never read here)."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_REGISTER_BYTES:
            return None
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _sources(folder: Path) -> dict[str, Source]:
    if not (folder / "sources.yml").is_file():
        return {}
    sources, _, problems = parse_sources(folder, read_texts=False)
    if problems:
        raise ValidationError(problems)
    return sources


def _editions_before(
    folder: Path,
) -> tuple[dict[str, Source], tuple[dict[str, list[Edition]], list[Problem]]]:
    """The registry and its registers' editions as they are before the import takes the
    lock (a problem with them is reported under the lock)."""
    try:
        sources = _sources(folder)
    except ValidationError:
        return {}, ({}, [])
    return sources, read_editions(sources, folder)


def _current_before(
    read: tuple[dict[str, list[Edition]], list[Problem]],
    name: str,
    dated: str,
    scope: tuple[tuple[str, ...], tuple[str, ...]],
) -> list[tuple[RegisterRow, str]]:
    """The current rows of editions up to ``dated`` that the new file's scope covers,
    with their ids: what the new edition revises."""
    by_register, problems = read
    if problems:
        raise ValidationError(problems)
    editions = [e for e in by_register.get(name, []) if e.date <= dated]
    return [
        (row, key)
        for _, row, key, by in current_rows(editions)
        if by is None and in_scope(row.supplier, row.recipient, *scope)
    ]


def _check_ids(events_dir: Path, register: Register, final: dict[int, str]) -> None:
    """No two rows share an id, and none takes a curated event's."""
    seen: dict[str, int] = {}
    problems = []
    taken = {p.stem for p in events_dir.glob("sipri-*")} if events_dir.is_dir() else set()
    for i, key in final.items():
        row = register.rows[i]
        if key in seen:
            problems.append(Problem(relpath(register.path), row.line, "row",
                                    f"has the id of line {register.rows[seen[key]].line}"))
        seen[key] = i
        for suffix in ("-order", "-delivery") if taken else ():
            if f"sipri-{key}{suffix}" in taken:
                problems.append(Problem(relpath(register.path), row.line, "row",
                                        f"makes the id 'sipri-{key}{suffix}', which a curated "
                                        "event file uses; rename that file"))  # fmt: skip
    if problems:
        raise ValidationError(problems)


def _source_id(sources: dict[str, Source], dated: str, register: Register) -> str:
    base = f"{REGISTER}-{dated}"
    return base if base not in sources else f"{base}-{register.sha256[:8]}"


def _report(
    register: Register,
    source_id: str,
    added_source: bool,
    dated: str,
    chosen: list[tuple[int, RegisterRow]],
    final: dict[int, str],
    added: tuple[str, ...],
    revised: tuple[tuple[str, str, tuple[str, ...]], ...],
    withdrawn: tuple[str, ...],
    ambiguous: tuple[str, ...],
    dry_run: bool,
    events: int = 0,
    unmapped: tuple[Problem, ...] = (),
    skipped: tuple[Problem, ...] = (),
) -> ImportReport:
    return ImportReport(
        register=register, source_id=source_id, source_added=added_source, edition=dated,
        selected=len(chosen), events=events, added=added, revised=revised,
        unchanged=len(chosen) - len(added) - len(revised) if final else len(chosen),
        withdrawn=withdrawn, ambiguous=ambiguous, unmapped=unmapped, skipped=skipped,
        dry_run=dry_run,
    )  # fmt: skip


def _plan(
    folder: Path,
    register: Register,
    source_id: str,
    known: Source | None,
    name: str,
    dated: str,
    scope: tuple[tuple[str, ...], tuple[str, ...]],
    inherited: dict[str, str],
    report: ImportReport,
) -> SourcePlan:
    file_name = known.file if known is not None and known.file else f"{source_id}.csv"
    matches_name = f"{source_id}.matches.json"
    entry = source_entry(
        source_id, file_name, register, name=name, edition=dated, suppliers=scope[0],
        recipients=scope[1], matches=matches_name,
    )  # fmt: skip
    text = registry_text(folder)
    text = replace_entry(text, known.id, entry) if known is not None else text + entry
    record = {
        "format": MATCHES_FORMAT,
        "register": name,
        "edition": dated,
        "inherited": dict(sorted((k, v) for k, v in inherited.items() if k != v)),
        "changes": {key: list(what) for key, _, what in report.revised},
        "rules": {key: rule for key, rule, _ in report.revised},
        "withdrawn": list(report.withdrawn),
        "ambiguous": list(report.ambiguous),
    }
    data = json.dumps(record, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"
    if len(data) > 64 * MAX_VALUE:  # never near: a record lists revisions, not rows
        raise ValidationError([Problem(relpath(register.path), None, "", "revises too much")])
    return SourcePlan(source_id, register, folder, file_name, matches_name, data,
                      text.encode("utf-8"))  # fmt: skip
