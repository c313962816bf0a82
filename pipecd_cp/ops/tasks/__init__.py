"""The built-in ops tasks, one module each, registered in the host's pyproject under
`pipecd_cp.ops_tasks` exactly as a third-party task is."""
