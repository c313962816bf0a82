"""Generated columns: the SQL that reads one document field out of `Data`, and column names.

Every expression here runs unchanged on MySQL 8 and on MariaDB 10.6+: no `->>` (MariaDB lacks
it), no `UUID_TO_BIN`, and explicit casts, because MariaDB's JSON is LONGTEXT and
`JSON_EXTRACT` returns text there (a JSON number comes back as the string `5`).

Two families:
- PipeCD's own columns (`ProjectId`, `Kind`, ...) follow PipeCD's semantics: missing values read
  as the type's zero (`never_null`), except `CompletedAt`, which is NULL when missing.
- Columns we add for declared fields (`F_...`) are NULL when the field is missing, JSON null, or
  of another JSON type, so the datastore contract's zero-value rules apply in the query.
  Strings are VARBINARY, so comparisons are exact (case and trailing spaces count) and order by
  code point, as on every other backend.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from pipecd_cp.datastore.base import FieldType

#: Bytes a declared string field may hold (an index key may be at most 3072 bytes).
STRING_BYTES = 512
#: Bytes of the `DocId` column: the longest id (256 characters) in 4-byte UTF-8.
KEY_BYTES = 1024
DOC_ID = "DocId"

_PLAIN_PATH = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*(\.[a-z][a-z0-9]*(_[a-z0-9]+)*)*$")
_NUMBER_TYPES = "'INTEGER','UNSIGNED INTEGER','DOUBLE','DECIMAL'"


@dataclass(frozen=True)
class Column:
    """A generated column reading `path` from `Data`.

    `field_type` is the declared type the column serves; `never_null` marks columns whose
    expression turns a missing value into the type's zero (PipeCD's `IFNULL(..., 0)` columns).
    """

    name: str
    path: str
    field_type: FieldType
    sql_type: str
    expr: str
    stored: bool = False
    never_null: bool = False

    def definition(self) -> str:
        """The column definition for CREATE TABLE / ADD COLUMN."""
        return (f"`{self.name}` {self.sql_type} GENERATED ALWAYS AS ({self.expr}) "
                f"{'STORED' if self.stored else 'VIRTUAL'}")


def json_at(path: str) -> str:
    """The JSON value at a dotted path (SQL NULL when missing). The path is validated upstream."""
    return f"JSON_EXTRACT(`Data`, '$.{path}')"


def text_at(path: str) -> str:
    """The value at `path` as text (strings unquoted, `true`, `5`); NULL when missing."""
    return f"JSON_UNQUOTE({json_at(path)})"


def typed_expr(path: str, field_type: FieldType) -> str:
    """An expression of the field's SQL type, NULL unless the JSON value has the declared type."""
    j = json_at(path)
    if field_type is FieldType.STRING:
        return f"IF(JSON_TYPE({j}) = 'STRING', JSON_UNQUOTE({j}), NULL)"
    if field_type is FieldType.INT:
        return f"IF(JSON_TYPE({j}) IN ('INTEGER','UNSIGNED INTEGER'), CAST(JSON_UNQUOTE({j}) AS SIGNED), NULL)"
    if field_type is FieldType.FLOAT:
        return f"IF(JSON_TYPE({j}) IN ({_NUMBER_TYPES}), CAST(JSON_UNQUOTE({j}) AS DOUBLE), NULL)"
    if field_type is FieldType.BOOL:
        return f"IF(JSON_TYPE({j}) = 'BOOLEAN', JSON_UNQUOTE({j}) = 'true', NULL)"
    raise ValueError(f"no scalar expression for {field_type}")


_SQL_TYPES = {FieldType.STRING: f"VARBINARY({STRING_BYTES})", FieldType.INT: "BIGINT",
              FieldType.FLOAT: "DOUBLE", FieldType.BOOL: "BOOLEAN"}


def column_name(path: str) -> str:
    """The name of the column we generate for a declared field; stable and unique per path.

    Lower-case snake_case paths read back from the name (`sync_state.status` ->
    `F_sync_state__status`); any other path (capitals, doubled underscores, too long) gets a hash,
    because MySQL column names ignore case and must fit 64 characters.
    """
    base = path.replace(".", "__")
    if _PLAIN_PATH.match(path) and len(base) <= 62:
        return f"F_{base}"
    digest = hashlib.sha1(path.encode()).hexdigest()[:12]
    return f"H_{digest}_{base.lower()}"[:64]


def declared_column(path: str, field_type: FieldType) -> Column | None:
    """The typed column for a declared field; None for lists (queried with JSON_CONTAINS on `Data`)."""
    if field_type is FieldType.LIST:
        return None
    return Column(column_name(path), path, field_type, _SQL_TYPES[field_type], typed_expr(path, field_type))


def type_of_sql(data_type: str) -> FieldType | None:
    """The field type a column of `information_schema.COLUMNS.DATA_TYPE` serves."""
    t = data_type.lower()
    if t in ("varbinary", "varchar", "char", "binary", "text"):
        return FieldType.STRING
    if t in ("bigint", "int", "integer", "mediumint", "smallint"):
        return FieldType.INT
    if t in ("double", "float", "decimal"):
        return FieldType.FLOAT
    if t in ("tinyint", "boolean", "bool"):
        return FieldType.BOOL
    return None


def key_column() -> Column:
    """`DocId`: the document key as bytes, for ordering and paging by id.

    The binary `Id` cannot serve: it is a hash (uuid5) for most keys, and the contract orders by
    the key string. Rows PipeCD wrote carry their key as `id`; ours carry `_id` when it differs.
    """
    expr = f"IFNULL({text_at('_id')}, {text_at('id')})"
    return Column(DOC_ID, "id", FieldType.STRING, f"VARBINARY({KEY_BYTES})", expr)


# ----------------------------------------------------------------------------- PipeCD's columns
def pipecd_string(name: str, path: str, length: int, stored: bool = False) -> Column:
    return Column(name, path, FieldType.STRING, f"VARCHAR({length})", f"IFNULL({text_at(path)}, '')",
                  stored=stored, never_null=True)


def pipecd_int(name: str, path: str, stored: bool = False, int11: bool = False) -> Column:
    return Column(name, path, FieldType.INT, "INT(11)" if int11 else "INT", f"IFNULL({text_at(path)}, 0)",
                  stored=stored, never_null=True)


def pipecd_bool(name: str, path: str, stored: bool = False) -> Column:
    return Column(name, path, FieldType.BOOL, "BOOL", f"IF({text_at(path)} = 'true', TRUE, FALSE)",
                  stored=stored, never_null=True)


def pipecd_nullable_int(name: str, path: str) -> Column:
    return Column(name, path, FieldType.INT, "INT(11)", text_at(path))


def pipecd_extra() -> Column:
    """`Extra`: PipeCD's search column, fed by the `_extra` key (not a document field)."""
    return Column("Extra", "_extra", FieldType.STRING, "VARCHAR(100)", text_at("_extra"), stored=True)
