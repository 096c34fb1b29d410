"""A small bounded in-process cache for things that are slow to build and never change for a
given key: the key must name everything the value is built from."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app

V = TypeVar("V")


class BoundedCache(Generic[V]):
    """The ``size`` most recently used values; thread-safe. Two threads missing the same key at
    once both build it (the value is the same either way) rather than one waiting on a lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = build()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


def app_cache(name: str, size: int) -> BoundedCache:
    """The current app's cache called ``name`` (one per app, so tests never share one)."""
    caches = current_app.extensions.setdefault("lms.caches", {})
    return caches.setdefault(name, BoundedCache(size))
