"""Reading an untrusted file as one YAML document, safely.

Files are composed (not constructed) with PyYAML's C loader where present, so every
scalar stays a string with its line and column: YAML never turns '2016' into a number,
'no' into False or '2012-05-01' into a date behind our back. Before composing, the file's
kind, size, encoding, nesting and anchors are checked, so no input can crash, hang or
blow up the composer; every refusal is a Problem naming the file and, where known, the
line.
"""

from __future__ import annotations

import os
import re
import stat
from typing import Any

import yaml

from armstimeline.errors import Problem, show_value
from armstimeline.loading.quotes import normalise_space
from armstimeline.loading.stamps import file_stamp

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_INDENT",
    "MAX_LIST_BYTES",
    "MAX_NESTING",
    "NULL_WORDS",
    "Composer",
    "compose",
    "describe",
    "is_empty",
    "node_line",
]

# libyaml's parser and composer alone (CBaseLoader is this plus a constructor and a
# resolver, which composing never uses: their set-up cost 6% of composing a small file);
# the pure-Python loader where PyYAML was built without libyaml
try:
    from yaml.cyaml import CParser as _BASE  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - PyYAML without libyaml
    _BASE = yaml.BaseLoader  # type: ignore[misc,assignment]
_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class Composer(_BASE):
    """libyaml's composer with the cheapest resolver: every untagged node gets its kind's
    default tag, which is all BaseLoader's resolver does, minus its bookkeeping (the
    composer calls these three for every node)."""

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass



MAX_FILE_BYTES = 256 * 1024
# a source registry or systems catalog lists many entries (10,000 sources are 1.2 MB);
# anchors are refused and nesting bounded, so size is what bounds composing it
MAX_LIST_BYTES = 16 * 1024 * 1024
MAX_NESTING = 64
MAX_INDENT = 256
_LINE_KEY = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w-]*)\s*:")
# a plain scalar that YAML reads as null (nothing, ~, null): an empty value
NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))


def compose(
    path: str | os.PathLike[str],
    shown: str,
    hashes: dict[str, Any] | None = None,
    limit: tuple[int, str] = (MAX_FILE_BYTES, "an event file"),
) -> tuple[yaml.Node | None, list[Problem]]:
    """Read bytes safely and compose one YAML document; never raise on bad input.

    ``limit`` is the largest size this kind of file may have, and what to call it."""
    max_bytes, kind = limit

    data = b""

    def fail(message: str, line: int | None = None) -> list[Problem]:
        """A problem with the file as a whole, named by the key on its line when there is one."""
        field = "file"
        lines = data.decode("utf-8", "replace").splitlines()
        if line is not None and 0 < line <= len(lines):
            key = _LINE_KEY.match(lines[line - 1])
            field = key.group(1) if key else field
        return [Problem(shown, line, field, message)]

    try:
        info = os.lstat(path)
    except OSError as exc:
        return None, fail(f"cannot be read ({exc.strerror}); check the file's permissions")
    if stat.S_ISLNK(info.st_mode):
        return None, fail("is a symbolic link; event files must be regular files in the folder")
    if not stat.S_ISREG(info.st_mode):
        return None, fail("is not a regular file; remove it or replace it with a YAML file")
    if info.st_size > max_bytes:
        return None, fail(f"is {info.st_size} bytes; {kind} may be at most {max_bytes} bytes")
    try:
        data = _read(path, max_bytes + 1, info.st_size)
    except OSError as exc:
        return None, fail(f"cannot be read ({exc.strerror}); check the file's permissions")
    if hashes is not None:
        hashes[os.path.basename(path)] = file_stamp(data, info)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, fail(f"is not valid UTF-8 (byte {exc.start}); save the file as UTF-8", line)
    if not text.strip():
        return None, fail("is empty; an event file holds one YAML mapping")
    depth = _bracket_depth(text)
    if depth > MAX_NESTING:
        return None, fail(f"nests brackets {depth} deep; at most {MAX_NESTING} levels are allowed")
    deep_line = _block_depth_line(text)
    if deep_line is not None:
        return None, fail(
            f"nests or indents too deeply (more than {MAX_NESTING} list markers or "
            f"{MAX_INDENT} columns of indentation); flatten the structure",
            deep_line,
        )
    if "&" in text or "*" in text:
        anchor = _first_anchor(text)
        if anchor is not None:
            return None, fail(
                "anchors (&name) and aliases (*name) are not allowed; write the value out",
                anchor,
            )
    composer = Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        if "expected a single document" in str(exc):
            where = exc.problem_mark.line + 1 if exc.problem_mark else None
            return None, fail("holds more than one YAML document; keep one event per file", where)
        # Point at where the broken structure starts (an unclosed '[' on its own line),
        # and say where the parser noticed.
        start = exc.context_mark or exc.problem_mark
        first_line = start.line + 1 if start else None
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context_mark and exc.problem_mark and exc.problem_mark.line != exc.context_mark.line:
            what += f" (noticed on line {exc.problem_mark.line + 1})"
        return None, fail(f"YAML syntax error: {what}", first_line)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        return None, fail(
            f"contains the character U+{exc.character:04X}, which YAML does not allow; remove it"
            if isinstance(exc.character, int)
            else "contains bytes YAML cannot read; save the file as UTF-8 text",
            line,
        )
    except yaml.YAMLError as exc:
        return None, fail("YAML error: " + normalise_space(str(exc)))
    except RecursionError:
        return None, fail("nests too deeply to read")
    finally:
        composer.dispose()
    if node is None:
        return None, fail("is empty; an event file holds one YAML mapping")
    return node, []


# the raw file calls, not ``open``: a buffered file object per file cost a tenth of the
# loader's own time (O_NOFOLLOW: a file swapped for a link after ``lstat`` is not followed)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def _read(path: str | os.PathLike[str], most: int, size: int) -> bytes:
    """At most ``most`` bytes of a regular file of ``size`` bytes (as ``lstat`` saw it):
    one read when the file still has that size, more while it answers short of it."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        data = os.read(fd, most)
        while len(data) < min(size, most):
            more = os.read(fd, most - len(data))
            if not more:
                break
            data += more
        return data
    finally:
        os.close(fd)


_TOO_DEEP = re.compile(rf"^(?: {{{MAX_INDENT + 1}}}| *(?:[-?] +){{{MAX_NESTING + 1}}})", re.M)
_DEEP_INDENT = " " * (MAX_INDENT + 1)


def _block_depth_line(text: str) -> int | None:
    """The first line whose indentation or run of '- ' markers is too deep, if any.

    Block nesting needs indentation or a run of list markers on one line, so bounding
    both bounds the depth libyaml's composer recurses to (it crashes past ~25,000).
    The search runs only where it can match: a run of markers needs that many '-' or
    '?', deep indentation that many spaces in a row (most files have neither).
    """
    if text.count("-") + text.count("?") <= MAX_NESTING and _DEEP_INDENT not in text:
        return None
    found = _TOO_DEEP.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _first_anchor(text: str) -> int | None:
    """The line of the first anchor or alias, found by libyaml's own event stream."""
    try:
        for event in yaml.parse(text, Loader=Composer):  # type: ignore[arg-type]
            if getattr(event, "anchor", None) is not None and event.start_mark is not None:
                return int(event.start_mark.line) + 1
    except yaml.YAMLError:
        return None  # compose reports the syntax error with its place
    return None


def _bracket_depth(text: str) -> int:
    """Deepest flow nesting, a cheap guard: libyaml can crash on thousands of brackets."""
    if text.count("[") + text.count("{") <= MAX_NESTING:
        return 0
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest



def node_line(node: yaml.Node) -> int:
    line: int = node.start_mark.line
    return line + 1


def is_empty(node: yaml.Node) -> bool:
    """A plain (unquoted) null: nothing, ~ or null. The C loader marks plain style ''."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in NULL_WORDS


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the value {show_value(node.value)}"

