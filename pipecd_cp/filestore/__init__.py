"""The file store driver interface and the built-in local-folder driver."""
from pipecd_cp.filestore.base import FileStore, ObjectAttrs, ObjectReader

__all__ = ["FileStore", "ObjectAttrs", "ObjectReader"]
