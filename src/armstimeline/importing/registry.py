"""Registering a register file: kept byte for byte beside the other sources, with its
edition, scope and match record, entered in ``sources.yml`` — completely or not at all.

Three files change: the copy, the match record and the registry. The registry is written
last and is what makes the registration real; before the first file is placed, a journal
(``.armstimeline-import.journal``) lists the new files, so an import killed half way is
rolled back by the next one (``recover``): the files the registry does not name are
removed and the folder is as it was. Registrations of one sources folder take turns (a
lock on the folder).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import attrs

from armstimeline import atomic
from armstimeline.errors import RegisterError, relpath
from armstimeline.loading.sources import parse_sources
from armstimeline.registers import Register

__all__ = ["JOURNAL", "SourcePlan", "locked", "recover", "source_entry"]

JOURNAL = ".armstimeline-import.journal"
_HEADER = """\
# The source registry. Local sources have a text file in this folder; every quote an
# event takes from them is checked against that text by `armstimeline validate`.
"""
_LICENCE = (
    "SIPRI's data (Source: SIPRI Arms Transfers Database (c) SIPRI), kept byte for byte as "
    "downloaded; cite SIPRI when reusing it. TIV figures are a volume index, not money. "
    "Figures computed from it are armstimeline's, not SIPRI's."
)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the sources folder's lock (a second import waits, then fails with a sentence)
    and roll back what a killed import left."""
    folder.mkdir(parents=True, exist_ok=True)
    with atomic.exclusive(folder / "sources.yml", RegisterError):
        recover(folder)
        yield


def recover(folder: Path) -> list[Path]:
    """Roll back an import that was killed before its registry was written: remove the
    files its journal lists that the registry does not name, then the journal."""
    journal = folder / JOURNAL
    if not journal.is_file():
        return atomic.remove_stale_temporaries(folder / JOURNAL)
    try:
        listed = json.loads(journal.read_text("utf-8"))
    except (OSError, ValueError):
        listed = []
    named: set[str] = set()
    if (folder / "sources.yml").is_file():
        sources, _, _ = parse_sources(folder, read_texts=False)
        named = {n for s in sources.values() for n in (s.file, s.matches) if n}
    removed = []
    for name in listed if isinstance(listed, list) else []:
        path = folder / str(name)
        if str(name) not in named and "/" not in str(name) and path.is_file():
            path.unlink()
            removed.append(path)
    journal.unlink()
    for name in [*(listed if isinstance(listed, list) else []), JOURNAL, "sources.yml"]:
        if "/" not in str(name):
            removed.extend(atomic.remove_stale_temporaries(folder / str(name)))
    return removed


@attrs.frozen
class SourcePlan:
    """A registration to make: the new files and the registry's new text."""

    source_id: str
    register: Register
    folder: Path
    file_name: str
    matches_name: str
    matches: bytes
    registry: bytes

    def apply(self) -> None:
        """Place the copy and the match record, then the registry (call it locked); on a
        failure roll back what was placed and say so."""
        try:
            self._apply()
        except RegisterError as exc:
            recover(self.folder)
            raise RegisterError(
                f"{exc} Nothing was registered: {relpath(self.folder)} is as it was."
            ) from exc

    def _apply(self) -> None:
        journal = self.folder / JOURNAL
        atomic.write_atomic(
            journal, json.dumps([self.file_name, self.matches_name]).encode(), RegisterError
        )
        copy = self.folder / self.file_name
        with atomic.replacing(copy, "Could not copy the register", RegisterError) as tmp:
            shutil.copyfile(self.register.path, tmp)
        atomic.write_atomic(self.folder / self.matches_name, self.matches, RegisterError)
        atomic.write_atomic(self.folder / "sources.yml", self.registry, RegisterError)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(journal)


def registry_text(folder: Path) -> str:
    registry = folder / "sources.yml"
    before = registry.read_text("utf-8") if registry.exists() else _HEADER
    return before if before.endswith("\n") or not before else before + "\n"


def replace_entry(text: str, source_id: str, entry: str) -> str:
    """The registry's text with the entry of ``source_id`` (an old-layout registration of
    the same file) replaced by ``entry``; other lines, comments included, kept."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.rstrip() == f"- id: {source_id}")
    end = start + 1
    while end < len(lines) and not lines[end].startswith("- "):
        end += 1
    return "".join([*lines[:start], entry, *lines[end:]])


def source_entry(
    source_id: str,
    file_name: str,
    register: Register,
    *,
    name: str,
    edition: str,
    suppliers: tuple[str, ...],
    recipients: tuple[str, ...],
    matches: str,
) -> str:
    """The registry entry of a register file, as YAML lines."""
    stamp = register.generated_text or f"edition {edition}, as its importer dated it"
    lines = [
        f"- id: {source_id}",
        "  title: " + json.dumps(f"SIPRI Arms Transfers Database, trade register ({stamp})"),
        "  publisher: Stockholm International Peace Research Institute (SIPRI)",
        f'  published: "{edition}"',
        "  url: https://www.sipri.org/databases/armstransfers",
        f"  file: {file_name}",
        f"  encoding: {register.encoding}",
        f"  register: {name}",
        f'  edition: "{edition}"',
    ]
    for side, names in (("suppliers", suppliers), ("recipients", recipients)):
        if names:
            lines.append(f"  {side}: " + json.dumps(list(names), ensure_ascii=False))
    if register.delivery_years:
        first, last = register.delivery_years
        lines.append(f'  delivery_years: "{first}/{last}"')
    lines.append(f"  matches: {matches}")
    if register.skipped:
        lines.append(f"  skipped: {json.dumps(list(register.skipped))}")
    lines.append("  note: " + json.dumps(_LICENCE))
    return "\n".join(lines) + "\n"


def shown(folder: Path) -> str:
    return relpath(folder / "sources.yml")
