"""Imported events as files: written in the house layout, and the folder's files as they
are, to tell what an import adds, revises or no longer finds."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import yaml

from armstimeline.loading import EVENT_SUFFIXES
from armstimeline.model import Event
from armstimeline.reference import trusted_yaml
from armstimeline.serialize import event_to_dict

__all__ = ["ExistingFiles", "event_text", "existing_files"]

_BLOCK_LISTS = frozenset({"sources"})  # long quotes read better one key per line
_IMPORTED = "\nregister:\n"
_DIGEST = re.compile(r"^  digest: '?\"?(\w+)\"?'?$", re.MULTILINE)
_DIGEST_BYTES = re.compile(rb"\n  digest: ['\"]?(\w+)['\"]?\n$")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
# words YAML 1.1 reads as booleans or null
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])


def _scalar(value: Any) -> str:
    """A YAML scalar: words (ids, kinds, codes) plain, other text double-quoted (a JSON
    string is a valid YAML one), so dates stay text and nothing is misread."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    if _WORD.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _flow(item: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in item.items()) + "}"


def event_text(event: Event) -> str:
    """The event's file, in the layout of ``event_to_dict`` (the file's own key order);
    deterministic, so an unchanged row writes the same bytes."""
    lines = []
    for key, value in event_to_dict(event).items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            for k, v in value.items():
                shown = (
                    "[" + ", ".join(_scalar(x) for x in v) + "]"
                    if isinstance(v, list)
                    else _scalar(v)
                )
                lines.append(f"  {k}: {shown}")
        elif isinstance(value, list):
            if not value:
                continue
            if not isinstance(value[0], dict):
                lines.append(f"{key}: [" + ", ".join(_scalar(v) for v in value) + "]")
            elif key in _BLOCK_LISTS:
                lines.append(f"{key}:")
                for item in value:
                    first = True
                    for k, v in item.items():
                        lines.append(f"{'- ' if first else '  '}{k}: {_scalar(v)}")
                        first = False
            else:
                lines.append(f"{key}:")
                lines.extend(f"- {_flow(item)}" for item in value)
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


class ExistingFiles:
    """The event files of a folder, read only when asked for."""

    def __init__(self, folder: Path) -> None:
        # plain strings, not Paths: a re-import looks at every file of a large folder
        self.paths: dict[str, str] = {}
        if folder.is_dir():
            for entry in os.scandir(folder):
                if entry.name.endswith(EVENT_SUFFIXES) and entry.is_file(follow_symlinks=False):
                    self.paths.setdefault(entry.name.rsplit(".", 1)[0], entry.path)
        self._texts: dict[str, str | None] = {}

    def path(self, event_id: str, folder: Path) -> Path:
        """Where the event's file is, or would be written."""
        found = self.paths.get(event_id)
        return Path(found) if found else folder / f"{event_id}.yml"

    def read(self, event_id: str) -> str | None:
        if event_id not in self._texts:
            path = self.paths.get(event_id)
            try:
                self._texts[event_id] = _read_bytes(path).decode("utf-8") if path else None
            except (OSError, UnicodeDecodeError):
                self._texts[event_id] = ""
        return self._texts[event_id]

    def digest(self, event_id: str) -> str | None:
        """The row fingerprint an imported file records (None for any other file); read
        from the file's last bytes, where the importer writes it, without decoding it."""
        path = self.paths.get(event_id)
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 64))
                tail = handle.read()
        except OSError:
            return None
        found = _DIGEST_BYTES.search(tail)
        return found.group(1).decode("ascii") if found else None

    def is_curated(self, event_id: str) -> bool:
        """A file with this id exists and was not written by an import."""
        text = self.read(event_id)
        return text is not None and _IMPORTED not in text

    def imported(self, leaving_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Ids of the files an import wrote (they carry a ``register`` block), but those in
        ``leaving_out``, which are not read (a re-import knows its own)."""
        return [
            i
            for i in self.paths
            if i.startswith("sipri-")
            and i not in leaving_out
            and _IMPORTED in (self.read(i) or "")
        ]

    def _data(self, event_id: str) -> dict[str, Any]:
        try:
            data = trusted_yaml(self.read(event_id) or "")
        except yaml.YAMLError:
            return {}
        return data if isinstance(data, dict) else {}

    def row_names(self, event_id: str) -> tuple[str, str]:
        """(supplier, recipient) as the register row the file quotes names them."""
        sources = self._data(event_id).get("sources") or [{}]
        quote = str(sources[0].get("quote", "")) if isinstance(sources[0], dict) else ""
        fields = quote.split(",")
        return (fields[1], fields[0]) if len(fields) > 1 else ("", "")

    def changed_fields(self, event: Event, text: str, source_id: str) -> tuple[str, ...]:
        """The fields SIPRI revised between the event's file and ``text``, the event as it
        would be written now: those that differ, leaving aside which edition the citation
        names and the row's fingerprint (an unchanged row now quoting a newer edition is
        not a revision)."""
        if _comparable(self.read(event.id) or "", source_id) == _comparable(text, source_id):
            return ()  # the common case, told apart without parsing the file
        old = self._data(event.id)
        for cite in old.get("sources") or []:
            if isinstance(cite, dict):
                cite["source"] = source_id
        new = event_to_dict(event)
        for data in (old, new):  # the fingerprint changes with the edition by design
            if isinstance(data.get("register"), dict):
                data["register"] = {k: v for k, v in data["register"].items() if k != "digest"}
        keys = dict.fromkeys([*new, *old])
        return tuple(k for k in keys if _plain(old.get(k)) != _plain(new.get(k)))


_CITED = re.compile(r"^- source: \S+$", re.MULTILINE)


def _comparable(text: str, source_id: str) -> str:
    """A file's text with its citation pointing at ``source_id`` and no fingerprint."""
    return _CITED.sub(f"- source: {source_id}", _DIGEST.sub("", text))


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _plain(value: Any) -> Any:
    """Compare YAML-read and dict values alike (an empty list is no value: files omit it)."""
    return json.loads(json.dumps(value, default=str)) if value not in (None, [], {}) else None


def existing_files(folder: Path) -> ExistingFiles:
    return ExistingFiles(folder)
