"""pipecd-cp: a Python control plane for PipeCD, wire-compatible with PipeCD's own."""

__version__ = "0.1.0"

from pipecd_cp.hookspecs import hookimpl  # noqa: E402  (for plugin authors: `from pipecd_cp import hookimpl`)

__all__ = ["__version__", "hookimpl"]
