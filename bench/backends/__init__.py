"""Per-backend throughput beside the raw client library doing the same work, in the same run.

    python -m bench.backends                 # every backend whose server is reachable
    python -m bench.backends mysql redis     # some of them
    python -m bench.backends --seconds 2     # longer runs per case

Each backend module here defines `async def cases(args) -> list[Case]` (or raises `Unreachable`
when its server is not running). A `Case` times the plugin and the raw client on the same
operation and reports both rates and their ratio (plugin time / raw time; 1.0 = no overhead).
"""
