"""pipecd-cp-redis: the `redis` cache backend (`spec.cache.type: REDIS`, or `--cache-address`)."""
from pipecd_cp_redis.cache import RedisCache
from pipecd_cp_redis.config import RedisSettings, parse_settings

__all__ = ["RedisCache", "RedisSettings", "parse_settings"]
