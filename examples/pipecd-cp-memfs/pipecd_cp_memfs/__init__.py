"""An example third-party pipecd-cp plugin: an in-memory file store, an admin page and a CLI command."""
