"""The datastore driver interface and the built-in SQLite driver."""
from pipecd_cp.datastore.base import (DataStore, Document, FieldType, Filter, KindSchema, Mutator, Op, Order, Page,
                                      Query)

__all__ = ["DataStore", "Document", "FieldType", "Filter", "KindSchema", "Mutator", "Op", "Order", "Page", "Query"]
