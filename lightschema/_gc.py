"""Pausing the cyclic garbage collector around bulk structuring and dumping.

Structuring 100,000 objects allocates millions of containers, and CPython's cyclic
collector would walk the young generation again and again while none of it can be
garbage yet. Bulk entry points run under ``paused(fn, ...)``, which turns the
collector off for the call and restores it exactly as found, also on error and when
several threads (or nested calls) pause it at once: it is turned back on when the
last region ends, and only if it was on when the first began.

An asynchronous exception (a ``KeyboardInterrupt`` from a signal handler, from
``_thread.interrupt_main`` or ``PyThreadState_SetAsyncExc``) can land wherever the
interpreter checks for them: at a Python function's start, a backward jump, and
after a call into C. So ``paused`` registers and disables inside its ``try``, and its
``finally`` restores with no Python call before ``gc.enable()``: on 3.11 and later no
interrupt can land between the state change and the code that undoes it. Where one
still can (3.10 checks between almost any two instructions; ``collector_paused``'s
``__exit__`` is a Python function; a signal while another thread holds the lock the
``finally`` waits for), a region left registered is found by the next
region to start: its frame is no longer running, so it is dropped, and the collector
is turned back on if that region was the one holding it off.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from threading import get_ident
from types import FrameType, TracebackType
from typing import Any, TypeVar

__all__ = ["collector_paused", "paused"]

T = TypeVar("T")
Region = tuple[int, int, int]

#: guards the three below; reentrant, as a finalizer run by a collection may bulk-load too
_lock = threading.RLock()
#: the regions running, each as (thread id, id of the frame it runs in, id of its context
#: manager or 0); a dict, so that one is added and removed with no call (no check point)
_regions: dict[Region, None] = {}
#: whether the collector was on when the first of the running regions began
_was_enabled = False
#: whether the collector is off because of a region (a region left behind sets it too)
_ours = False


def paused(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` with the cyclic collector paused; nests, is thread-safe, and restores the
    collector whatever is raised, asynchronous interrupts included."""
    global _was_enabled, _ours
    if _regions or _ours:
        _drop_finished()
    me = (get_ident(), id(sys._getframe()), 0)
    try:
        with _lock:
            if not _regions and not _ours:
                _was_enabled = gc.isenabled()
            _regions[me] = None
            _ours = True
            gc.disable()
        return fn(*args)
    finally:
        # No call before gc.enable(), so no interrupt between (3.11+): this is _leave(me).
        with _lock:
            if me in _regions:
                del _regions[me]
                if not _regions and _ours:
                    _ours = False
                    if _was_enabled:
                        gc.enable()


class collector_paused:
    """The body of a ``with`` block with the cyclic collector paused, as in ``paused``.

    For code that cannot be put in a function. ``__exit__`` is a Python function, and an
    interrupt landing at its start skips it: the next region to start then repairs the
    state. ``paused`` has no such gap.
    """

    __slots__ = ("_me",)

    def __enter__(self) -> None:
        global _was_enabled, _ours
        if _regions or _ours:
            _drop_finished()
        me = self._me = (get_ident(), id(sys._getframe(1)), id(self))
        try:
            with _lock:
                if not _regions and not _ours:
                    _was_enabled = gc.isenabled()
                _regions[me] = None
                _ours = True
                gc.disable()
        except BaseException:  # an interrupt once registered: the with block never starts
            _leave(me)
            raise

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        _leave(self._me)


def _leave(me: Region) -> None:
    global _ours
    with _lock:
        if me in _regions:
            del _regions[me]
            if not _regions and _ours:
                _ours = False
                if _was_enabled:
                    gc.enable()


def _drop_finished() -> None:
    """Drop the regions whose frames are no longer running (an interrupt skipped their end),
    and turn the collector back on if they held it off."""
    global _ours
    with _lock:
        regions = list(_regions)  # before the stacks: a region begun after is not judged
        running: dict[int, set[int]] = {}
        for thread, top in sys._current_frames().items():
            running[thread] = ids = set()
            frame: FrameType | None = top
            while frame is not None:
                ids.add(id(frame))
                frame = frame.f_back
        for thread, frame_id, manager in regions:
            if frame_id not in running.get(thread, ()):
                _regions.pop((thread, frame_id, manager), None)
        if not _regions and _ours:
            _ours = False
            if _was_enabled:
                gc.enable()
