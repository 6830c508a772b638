"""Pausing the cyclic garbage collector around bulk structuring.

Structuring 100,000 objects allocates millions of containers, and CPython's cyclic
collector would walk the young generation again and again while none of it can be
garbage yet. Bulk entry points pause it for the duration of the call and restore it
exactly as found, also on error and when several threads bulk-structure at once
(the collector is re-enabled only when the last of them finishes, and only if it
was enabled when the first began).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the body with the cyclic collector paused; nests and is thread-safe."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
