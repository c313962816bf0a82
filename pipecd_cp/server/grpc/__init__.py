"""gRPC plumbing: method dispatch with auth, validation and metrics; server assembly."""
