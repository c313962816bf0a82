"""Typed model stores over the document drivers (datastore, filestore, cache)."""
