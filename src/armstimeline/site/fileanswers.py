"""Database's introspection of an immutable file, answered once per serving process.

Datasette asks a table's columns, keys, foreign keys and definitions again on every
request (a table page some fifteen times), each a trip to a SQL thread that queues behind
visitors' queries; an immutable file's answers never change. ``AnsweredOnce`` is a
``Database`` whose documented introspection (``FILE_QUESTIONS``: what the file alone
answers, not metadata) asks the file once and hands each caller a copy of the answer.
"""

from __future__ import annotations

import copy
from typing import Any

from datasette.database import Database

__all__ = ["FILE_QUESTIONS", "AnsweredOnce"]

FILE_QUESTIONS = (
    "table_exists", "view_exists", "table_names", "view_names", "table_columns",
    "table_column_details", "primary_keys", "fts_table", "foreign_keys_for_table",
    "get_all_foreign_keys", "get_table_definition", "get_view_definition",
)  # fmt: skip


def _asked_once(name: str) -> Any:
    async def ask(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.is_mutable:
            return await getattr(Database, name)(self, *args, **kwargs)
        answers = self.__dict__.setdefault("_file_answers", {})
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in answers:
            answers[key] = await getattr(Database, name)(self, *args, **kwargs)
        return copy.deepcopy(answers[key])  # a caller may change what it is given

    ask.__name__ = ask.__qualname__ = name
    ask.__doc__ = f"Database.{name}, asked of an immutable file once."
    return ask


class AnsweredOnce(Database):
    """A ``Database`` whose ``FILE_QUESTIONS`` an immutable file answers once."""


for _name in FILE_QUESTIONS:
    if hasattr(Database, _name):  # 0.65 has no view_exists
        setattr(AnsweredOnce, _name, _asked_once(_name))
