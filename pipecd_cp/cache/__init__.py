"""The cache driver interface and the built-in in-memory driver."""
from pipecd_cp.cache.base import Cache

__all__ = ["Cache"]
