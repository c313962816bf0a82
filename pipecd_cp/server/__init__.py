"""The server process: gRPC services, HTTP (console, auth, static) and admin endpoints."""
