"""Rendered pieces a process keeps, by a key that holds everything they are made of."""

import threading
from collections import OrderedDict


class Kept:
    """A few thousand rendered pieces kept in this process. The key holds everything a piece
    depends on (so none is ever stale: new data, another language is another key); the least
    recently used go first."""

    def __init__(self, size):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value
