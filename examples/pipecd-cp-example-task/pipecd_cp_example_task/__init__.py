"""Example third-party ops task for pipecd-cp (see README.md)."""
