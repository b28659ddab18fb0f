"""Caches of entity copies kept fresh by their owner's change events (practice 4.4)."""

from .azure_redis import AzureCacheTarget
from .component import Cache, CacheArgs
from .elasticache import AwsCacheTarget

__all__ = ["AwsCacheTarget", "AzureCacheTarget", "Cache", "CacheArgs"]
