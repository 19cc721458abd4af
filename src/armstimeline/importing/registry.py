"""Registering a register file as a source: kept byte for byte beside the other sources,
with its edition, publisher, encoding and licence in ``sources.yml``."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import attrs

from armstimeline import atomic
from armstimeline.errors import ValidationError
from armstimeline.importing.register import Register
from armstimeline.loading.sources import parse_sources

__all__ = ["SourcePlan", "register_source"]

_HEADER = """\
# The source registry. Local sources have a text file in this folder; every quote an
# event takes from them is checked against that text by `armstimeline validate`.
"""
_LICENCE = (
    "SIPRI's data (Source: SIPRI Arms Transfers Database (c) SIPRI), kept byte for byte as "
    "downloaded; cite SIPRI when reusing it. TIV figures are a volume index, not money."
)


@attrs.frozen
class SourcePlan:
    """The source an import's events cite, and whether it must still be registered."""

    source_id: str
    needed: bool
    register: Register
    folder: Path
    file_name: str
    entry: str

    def apply(self) -> None:
        """Copy the file and append its entry (the registry's other lines are kept as
        written: comments and all)."""
        if not self.needed:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        copy = self.folder / self.file_name
        if not copy.exists():
            with atomic.replacing(copy, "Could not copy the register", ValidationError) as tmp:
                shutil.copyfile(self.register.path, tmp)
        registry = self.folder / "sources.yml"
        before = registry.read_text("utf-8") if registry.exists() else _HEADER
        joined = before if before.endswith("\n") or not before else before + "\n"
        atomic.write_atomic(registry, (joined + self.entry).encode("utf-8"), ValidationError)


def register_source(register: Register, folder: Path) -> SourcePlan:
    """The registry entry for this register file (its id from the edition's date, with a
    hash of the bytes when another file of that edition is registered, e.g. one filtered
    otherwise); ``needed`` is False when exactly this file is registered already."""
    digest = register.sha256
    edition = register.generated.isoformat() if register.generated else None
    base = f"sipri-trade-register-{edition or digest[:8]}"
    known: dict[str, str | None] = {}
    if (folder / "sources.yml").is_file():
        sources, _, _ = parse_sources(folder, read_texts=False)
        known = {sid: s.file for sid, s in sources.items()}
    for candidate in (base, f"{base}-{digest[:8]}"):
        file_name = f"{candidate}.csv"
        existing = folder / file_name
        same_file = (
            existing.is_file() and hashlib.sha256(existing.read_bytes()).hexdigest() == digest
        )
        if candidate in known and known[candidate] == file_name and same_file:
            return SourcePlan(candidate, False, register, folder, file_name, "")
        if candidate not in known and (not existing.exists() or same_file):
            return SourcePlan(
                candidate,
                True,
                register,
                folder,
                file_name,
                _entry(candidate, file_name, register, edition),
            )
    raise ValidationError([])  # unreachable: the hashed id is this file's own


def _entry(source_id: str, file_name: str, register: Register, edition: str | None) -> str:
    stamp = register.generated_text or "no 'Data generated' stamp (the preamble was removed)"
    encoding = "latin-1" if register.encoding == "latin-1" else register.encoding
    lines = [
        f"- id: {source_id}",
        "  title: " + json.dumps(f"SIPRI Arms Transfers Database, trade register ({stamp})"),
        "  publisher: Stockholm International Peace Research Institute (SIPRI)",
    ]
    if edition:
        lines.append(f'  published: "{edition}"')
    lines += [
        "  url: https://www.sipri.org/databases/armstransfers",
        f"  file: {file_name}",
        f"  encoding: {encoding}",
        "  note: " + json.dumps(_LICENCE),
    ]
    return "\n".join(lines) + "\n"
