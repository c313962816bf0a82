"""SQL text for `find`, shared by the SQL drivers (SQLite built in, MySQL as a plugin).

A dialect says how to reach a document field, the primary key and array membership; this module
turns a `FindPlan` into a WHERE / ORDER BY / LIMIT with keyset paging, applying the datastore
contract's rules (missing fields compare as the operand's zero value; missing sorts lowest).
Comparisons are written so that an index on the bare field expression stays usable: `IS NULL`
is added only when the zero value itself would match.
"""
from __future__ import annotations

import abc
import operator
from collections.abc import Callable
from typing import Any

from pipecd_cp.datastore.base import ID_FIELD, FindPlan, Filter, Op, zero_of

_PY_OPS: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq, Op.NE: operator.ne, Op.LT: operator.lt, Op.LTE: operator.le,
    Op.GT: operator.gt, Op.GTE: operator.ge,
}
_SQL_OPS = {Op.EQ: "=", Op.NE: "<>", Op.LT: "<", Op.LTE: "<=", Op.GT: ">", Op.GTE: ">="}


class SqlDialect(abc.ABC):
    """How one SQL backend spells documents.

    `sample` is the operand the expression is compared with (a filter or cursor value), or None
    in ORDER BY; a dialect whose JSON is untyped text (MariaDB) uses it, or the kind's declared
    field types, to pick a cast.
    """

    placeholder: str = "?"

    @abc.abstractmethod
    def field(self, kind: str, path: str, sample: Any = None) -> str:
        """An SQL expression for the scalar at `path` (NULL when missing). Never `id`."""

    @abc.abstractmethod
    def contains(self, kind: str, path: str, value: Any) -> str:
        """A boolean SQL expression, with one placeholder, true when the array at `path` holds `value`."""

    @abc.abstractmethod
    def primary_key(self, kind: str) -> str:
        """The primary-key column."""

    def pk_param(self, id: str) -> Any:
        """The parameter to compare with the primary-key column."""
        return id

    def param(self, kind: str, path: str, value: Any) -> Any:
        """A filter or cursor value for `path` as a query parameter."""
        return value


def _zero_matches(op: Op, value: Any) -> bool:
    zero = zero_of(value)
    if zero is None:
        return False
    try:
        return _PY_OPS[op](zero, value)
    except TypeError:
        return False


class SqlQuery:
    """Builds WHERE/ORDER BY/LIMIT clauses and their parameters for one plan."""

    def __init__(self, dialect: SqlDialect, plan: FindPlan) -> None:
        self.d, self.plan = dialect, plan
        self.params: list[Any] = []
        self._ph = dialect.placeholder

    def _bind(self, path: str, value: Any) -> str:
        if path == ID_FIELD:
            self.params.append(self.d.pk_param(value))
        else:
            self.params.append(self.d.param(self.plan.kind, path, value))
        return self._ph

    def _expr(self, path: str, sample: Any = None) -> str:
        if path == ID_FIELD:
            return self.d.primary_key(self.plan.kind)
        return self.d.field(self.plan.kind, path, sample)

    def _filter(self, f: Filter) -> str:
        is_pk = f.field == ID_FIELD
        if f.op == Op.CONTAINS:
            self.params.append(self.d.param(self.plan.kind, f.field, f.value))
            return self.d.contains(self.plan.kind, f.field, f.value)
        sample = (f.value[0] if f.value else None) if f.op in (Op.IN, Op.NOT_IN) else f.value
        col = self._expr(f.field, sample)

        def bind(v: Any) -> str:
            return self._bind(f.field, v)
        if f.op in (Op.IN, Op.NOT_IN):
            values = list(f.value)
            if not values:
                return "1=0" if f.op == Op.IN else "1=1"
            zero = zero_of(values[0])
            holes = ", ".join(bind(v) for v in values)
            if f.op == Op.IN:
                sql = f"{col} IN ({holes})"
                return f"({col} IS NULL OR {sql})" if not is_pk and zero in values else sql
            sql = f"{col} NOT IN ({holes})"
            return f"({col} IS NULL OR {sql})" if not is_pk and zero is not None and zero not in values else sql
        if f.value is None:
            if f.op == Op.EQ:
                return f"{col} IS NULL"
            if f.op == Op.NE:
                return f"{col} IS NOT NULL"
            return "1=0"
        sql = f"{col} {_SQL_OPS[f.op]} {bind(f.value)}"
        return f"({col} IS NULL OR {sql})" if not is_pk and _zero_matches(f.op, f.value) else sql

    def _after(self, i: int) -> str:
        plan = self.plan
        if i == len(plan.orders):
            assert plan.after_id is not None
            return f"{self.d.primary_key(plan.kind)} {'<' if plan.id_descending else '>'} {self._bind(ID_FIELD, plan.after_id)}"
        # Placeholders are positional: bind parameters in the order they appear in the text.
        order, value = plan.orders[i], plan.after[i]  # type: ignore[index]
        col = self._expr(order.field, value)
        if value is None:
            if order.descending:
                return f"({col} IS NULL AND {self._after(i + 1)})"
            return f"({col} IS NOT NULL OR ({col} IS NULL AND {self._after(i + 1)}))"
        past, same = self._bind(order.field, value), self._bind(order.field, value)
        rest = self._after(i + 1)
        if order.descending:
            return f"({col} < {past} OR {col} IS NULL OR ({col} = {same} AND {rest}))"
        return f"({col} > {past} OR ({col} = {same} AND {rest}))"

    def where(self) -> str:
        """The WHERE clause (with the word), or ''."""
        parts = [self._filter(f) for f in self.plan.filters]
        if self.plan.after is not None:
            parts.append(self._after(0))
        return ("WHERE " + " AND ".join(parts)) if parts else ""

    def order_by(self) -> str:
        plan = self.plan
        terms = [f"{self._expr(o.field)} {'DESC' if o.descending else 'ASC'}" for o in plan.orders]
        terms.append(f"{self.d.primary_key(plan.kind)} {'DESC' if plan.id_descending else 'ASC'}")
        return "ORDER BY " + ", ".join(terms)

    def limit(self) -> str:
        return f"LIMIT {int(self.plan.limit)}" if self.plan.limit else ""

    def tail(self) -> str:
        """WHERE, ORDER BY and LIMIT together; call once (it fills `params`)."""
        return " ".join(p for p in (self.where(), self.order_by(), self.limit()) if p)
