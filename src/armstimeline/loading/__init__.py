"""Loading: event files and the source registry to models, every problem collected.

The stage below the database build and the exports: it reads untrusted files safely
(``yamlsafe``), reads each field by its rules (``fields``), makes one event of one file
(``event``), reads the source registry (``sources``), checks what needs every file
(``checks``), fans large folders out to processes (``parallel``), lists a folder's files
(``files``), reads a folder file by file (``reader``) and puts it together (``folder``).
``stamps`` says what a build records of each file.
"""

from __future__ import annotations

from armstimeline.loading.event import read_event
from armstimeline.loading.files import EVENT_SUFFIXES, Progress, event_paths
from armstimeline.loading.folder import load_events, title_warnings, validate
from armstimeline.loading.parallel import beside, processes
from armstimeline.loading.quotes import MAX_QUOTE, normalise_space, quote_in_text
from armstimeline.loading.reader import FolderReader
from armstimeline.loading.sources import source_registry
from armstimeline.loading.stamps import RACY_WINDOW_NS, Stamp, file_stamp, recorded_stamp
from armstimeline.loading.systems import (
    lookup_table,
    packages,
    project_systems,
    project_systems_file,
)
from armstimeline.loading.yamlsafe import MAX_FILE_BYTES

__all__ = [
    "EVENT_SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_QUOTE",
    "RACY_WINDOW_NS",
    "FolderReader",
    "Progress",
    "Stamp",
    "beside",
    "event_paths",
    "file_stamp",
    "load_events",
    "lookup_table",
    "normalise_space",
    "packages",
    "processes",
    "project_systems",
    "project_systems_file",
    "quote_in_text",
    "read_event",
    "recorded_stamp",
    "source_registry",
    "title_warnings",
    "validate",
]
