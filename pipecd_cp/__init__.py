"""pipecd-cp: a Python control plane for PipeCD, wire-compatible with PipeCD's own."""

__version__ = "0.1.0"
