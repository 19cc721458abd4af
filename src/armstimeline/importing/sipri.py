"""``import_sipri``: a SIPRI trade register into event files beside the curated ones.

Provenance as for every event: the register file is kept byte for byte in the sources
folder and registered (edition, publisher, encoding, licence), and each event quotes its
own row. Ids come from the row, so importing the same file again writes nothing, and a
newer edition updates what SIPRI revised, adds what is new and reports — never deletes —
what is gone. Curated files are never touched. Nothing is written when any row has a
problem.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import attrs

from armstimeline import atomic
from armstimeline.errors import Problem, ValidationError, did_you_mean, relpath, show_value
from armstimeline.importing.eventfiles import ExistingFiles, event_text, existing_files
from armstimeline.importing.names import UnknownName, actor_for, fold
from armstimeline.importing.register import Register, RegisterRow, read_register
from armstimeline.importing.registry import register_source
from armstimeline.importing.rows import row_events, row_keys
from armstimeline.loading import lookup_table, project_systems
from armstimeline.model import Event

__all__ = ["FORMAT", "ImportReport", "import_sipri"]

# The importer's output format: raise it when a change to the code changes what a row
# becomes, so a re-import rewrites files its fingerprints would otherwise skip.
FORMAT = "sipri-import 1"


@attrs.frozen
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    register: Register
    source_id: str
    source_added: bool
    selected: int
    added: tuple[str, ...]
    changed: tuple[tuple[str, tuple[str, ...]], ...]  # (id, fields SIPRI revised)
    recited: tuple[str, ...]  # same content, now quoting this edition
    unchanged: int
    gone: tuple[str, ...]  # imported before, not in this edition (kept)
    dry_run: bool

    @property
    def written(self) -> int:
        return 0 if self.dry_run else len(self.added) + len(self.changed) + len(self.recited)


def import_sipri(
    path: str | Path,
    events_dir: str | Path,
    sources_dir: str | Path | None = None,
    *,
    suppliers: Iterable[str] = (),
    recipients: Iterable[str] = (),
    dry_run: bool = False,
) -> ImportReport:
    """Import the rows of a SIPRI trade register file as event files in ``events_dir``.

    ``suppliers`` and ``recipients`` keep only rows with one of these suppliers or
    recipients (SIPRI's names, country names or codes: "Russia", "RUS", "Soviet Union").
    ``sources_dir`` defaults to the ``seeds`` folder beside the events folder (made when
    missing). Raises ValidationError, naming each line, when the file is not a register
    or a row cannot be read; nothing is written then.
    """
    events_dir = Path(events_dir)
    sources_dir = Path(sources_dir) if sources_dir is not None else events_dir.parent / "seeds"
    register, problems = read_register(path)
    if register is None:
        raise ValidationError(problems)
    keys = row_keys(register.rows)  # over every row, so filters never change a key
    suppliers, recipients = list(suppliers), list(recipients)
    chosen = _select(register, keys, suppliers, recipients)
    plan = register_source(register, sources_dir)
    catalog, catalog_problems = project_systems(events_dir)
    if catalog_problems:
        raise ValidationError(catalog_problems)
    systems = lookup_table(catalog)
    existing = existing_files(events_dir)
    context = _context(plan.source_id, systems)
    events: list[Event] = []
    kept: dict[str, int] = {}  # ids of rows whose files hold this very row, read alike
    unknown: dict[tuple[str, str], tuple[list[int], str | None]] = {}
    for row, key in chosen:
        digest = hashlib.sha256(f"{context}\n{key}\n{row.text}".encode()).hexdigest()[:16]
        ids = [f"sipri-{key}-order"] + ([f"sipri-{key}-delivery"] if row.years else [])
        if all(existing.digest(i) == digest for i in ids):
            kept.update(dict.fromkeys(ids, 1))
            continue
        try:
            events.extend(row_events(row, key, plan.source_id, systems, digest))
        except UnknownName as exc:
            column = "Supplier" if exc.name == row.supplier else "Recipient"
            unknown.setdefault((column, exc.name), ([], exc.suggestion))[0].append(row.line)
    if unknown:
        raise ValidationError(_unknown_problems(register, unknown))

    def in_scope(supplier: str, recipient: str) -> bool:
        return (not suppliers or any(_matches(supplier, v) for v in suppliers)) and (
            not recipients or any(_matches(recipient, v) for v in recipients)
        )

    report, texts = _compare(events, existing, plan.source_id, kept, in_scope)
    report = attrs.evolve(report, register=register, selected=len(chosen), dry_run=dry_run)
    written = (*report.added, *(i for i, _ in report.changed), *report.recited)
    curated = [i for i in written if existing.is_curated(i)]
    if curated:
        raise ValidationError(
            [
                Problem(
                    relpath(events_dir / f"{i}.yml"),
                    None,
                    "id",
                    "is a curated event file; an import never replaces one (rename it)",
                )
                for i in curated
            ]
        )
    if dry_run:
        return attrs.evolve(report, source_added=plan.needed)
    events_dir.mkdir(parents=True, exist_ok=True)
    plan.apply()
    atomic.write_many(
        ((existing.path(i, events_dir), texts[i]) for i in written),
        ValidationError,
    )
    return attrs.evolve(report, source_added=plan.needed)


def _select(
    register: Register, keys: list[str], suppliers: list[str], recipients: list[str]
) -> list[tuple[RegisterRow, str]]:
    """The rows whose supplier and recipient pass the filters, with their keys; a filter
    value no row matches is an error (a typo would otherwise import nothing)."""
    pairs = list(zip(register.rows, keys, strict=True))
    problems = []
    for label, wanted, side in (("supplier", suppliers, 0), ("recipient", recipients, 1)):
        if not wanted:
            continue
        names = {row.supplier if side == 0 else row.recipient for row in register.rows}
        matches = {value: {n for n in names if _matches(n, value)} for value in wanted}
        for value, found in matches.items():
            if not found:
                hint = did_you_mean(value, sorted(n.rstrip("*") for n in names))
                problems.append(
                    Problem(
                        relpath(register.path),
                        None,
                        f"--{label}",
                        f"no {label} in this register is {show_value(value)}{hint}",
                    )
                )
        allowed = set().union(*matches.values())
        pairs = [(r, k) for r, k in pairs if (r.supplier if side == 0 else r.recipient) in allowed]
    if problems:
        raise ValidationError(problems)
    return pairs


def _matches(sipri_name: str, wanted: str) -> bool:
    """Whether a filter value names this SIPRI name: the name itself (marks, case and
    accents aside) or, for a state, any name or code of the same country."""
    if fold(sipri_name.rstrip("*")) == fold(wanted.rstrip("*")):
        return True
    from armstimeline.reference import resolve_country

    code = resolve_country(wanted)
    if code is None:
        return False
    try:
        actor = actor_for(sipri_name, "supplier")
    except UnknownName:
        return False
    return actor.type == "state" and actor.country == code


def _unknown_problems(
    register: Register, unknown: dict[tuple[str, str], tuple[list[int], str | None]]
) -> list[Problem]:
    problems = []
    for (column, name), (lines, hint) in sorted(unknown.items(), key=lambda kv: kv[1][0][0]):
        more = f" (and {len(lines) - 1} more rows)" if len(lines) > 1 else ""
        problems.append(
            Problem(
                relpath(register.path),
                lines[0],
                column,
                f"{show_value(name)} is not a state, organisation or group armstimeline knows"
                + (f" (did you mean '{hint}'?)" if hint else "")
                + f"{more}; add it to armstimeline's refdata/sipri_names.yml",
            )
        )
    return problems


def _compare(
    events: list[Event],
    existing: ExistingFiles,
    source_id: str,
    kept: dict[str, int],
    in_scope: Callable[[str, str], bool],
) -> tuple[ImportReport, dict[str, bytes]]:
    """Sort the events into added, changed (with the fields) and re-cited, with the bytes
    of each file to write; ``kept`` are the ids of rows known unchanged without a look."""
    added, changed, recited = [], [], []
    texts: dict[str, bytes] = {}
    unchanged = len(kept)
    for event in events:
        text = event_text(event)
        old = existing.read(event.id)
        if old == text:
            unchanged += 1
            continue
        texts[event.id] = text.encode("utf-8")
        if old is None:
            added.append(event.id)
            continue
        fields = existing.changed_fields(event, text, source_id)
        if fields:
            changed.append((event.id, fields))
        else:
            recited.append(event.id)
    produced = {e.id for e in events}.union(kept)
    gone = [i for i in existing.imported(produced) if in_scope(*existing.row_names(i))]
    report = ImportReport(
        register=None,  # type: ignore[arg-type]  # the caller fills it in
        source_id=source_id,
        source_added=False,
        selected=0,
        added=tuple(added),
        changed=tuple(changed),
        recited=tuple(recited),
        unchanged=unchanged,
        gone=tuple(sorted(gone)),
        dry_run=False,
    )
    return report, texts


def _context(source_id: str, systems: dict[str, str]) -> str:
    """What every row is read with: the edition, the catalog, the names, the importer."""
    from armstimeline.reference import data_bytes

    digest = hashlib.sha256(f"{FORMAT}\n{source_id}\n".encode())
    digest.update(repr(sorted(systems.items())).encode())
    for name in ("sipri_names.yml", "country_names.yml", "countries.yml"):
        digest.update(data_bytes(name))
    return digest.hexdigest()
