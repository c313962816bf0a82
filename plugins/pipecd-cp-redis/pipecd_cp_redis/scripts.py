"""Lua scripts for the operations that Redis has no single command for.

A script runs atomically on the server, so check-and-act needs no WATCH/MULTI round trips.
redis-py sends them by SHA (EVALSHA) and reloads them when the server answers NOSCRIPT, which
is what happens after a Redis restart.
"""

#: KEYS[1] counter, ARGV[1] amount, ARGV[2] TTL in ms. The SET NX creates the key with its
#: expiry only when absent, so an existing counter keeps its TTL (the contract of `incr`).
INCR_WITH_TTL = """
redis.call('SET', KEYS[1], '0', 'NX', 'PX', ARGV[2])
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""

#: KEYS[1] lease, ARGV[1] expected value. 1 when deleted.
DELETE_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

#: KEYS[1] lease, ARGV[1] expected value, ARGV[2] new TTL in ms. 1 when extended.
EXTEND_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"""
