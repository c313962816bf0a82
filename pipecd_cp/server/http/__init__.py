"""Tornado applications: the public HTTP server and the admin server."""
