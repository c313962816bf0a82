"""`pipecd-cp ops`: the maintenance process, its scheduler and the tasks it runs.

- `task`: what a task is (`OpsTask`, `TaskContext`, `TaskReport`, `Options`);
- `schedule`, `clock`: slots in time (cron in UTC, intervals) and the clock they are read from;
- `registry`: installed tasks (entry points in `pipecd_cp.ops_tasks`) merged with `spec.ops`;
- `leases`, `state`: running each slot once across replicas, and what the last runs did;
- `attempt`, `scheduler`: one guarded run, and the loops that decide when to run;
- `metrics`, `process`: the ops `/metrics` and the process that serves the owner page;
- `tasks/`: the built-in tasks; `ownerpage/`: the owner web page.
"""
