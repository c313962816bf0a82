"""How `pipecd_cp.datastore.sql.SqlQuery` spells fields, ids and list membership in MySQL.

A field path resolves to a generated column when the kind's table has one (PipeCD's columns,
or the `F_` columns of declared fields), so the query can use the table's indexes. A path
without a column falls back to reading `Data` with a cast chosen from the operand, which works
for filters but serves no index. The primary key, for ordering and paging, is `DocId` (the key
string), never the hashed binary `Id`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipecd_cp.datastore.base import FieldType
from pipecd_cp.datastore.sql import SqlDialect
from pipecd_cp_mysql.columns import DOC_ID, Column, json_at, typed_expr

Resolver = Callable[[str, str], "Column | None"]


class MySQLDialect(SqlDialect):
    """`resolve(kind, path)` returns the column that serves a path, or None."""

    placeholder = "%s"

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve

    def field(self, kind: str, path: str, sample: Any = None) -> str:
        col = self._resolve(kind, path)
        if col is not None:
            return f"`{col.name}`"
        if sample is None:
            return json_at(path)  # only IS NULL tests reach here: orders need a column
        if isinstance(sample, bool):
            return typed_expr(path, FieldType.BOOL)
        if isinstance(sample, (int, float)):
            return typed_expr(path, FieldType.FLOAT)
        # Binary, so the comparison is exact like the VARBINARY columns of declared fields.
        return f"CAST({typed_expr(path, FieldType.STRING)} AS BINARY)"

    def contains(self, kind: str, path: str, value: Any) -> str:
        # The bound value is a Python scalar; JSON_CONTAINS wants a JSON text, built here in SQL
        # because `param` does not know which operator it serves.
        if isinstance(value, bool):
            candidate = "IF(%s, 'true', 'false')"
        elif isinstance(value, (int, float)):
            candidate = "CAST(%s AS CHAR)"
        elif value is None:
            candidate = "IFNULL(%s, 'null')"
        else:
            candidate = "JSON_QUOTE(%s)"
        return f"IFNULL(JSON_CONTAINS({json_at(path)}, {candidate}), 0)"

    def primary_key(self, kind: str) -> str:
        return f"`{DOC_ID}`"
