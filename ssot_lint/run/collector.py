"""The cyclic garbage collector paused while a run builds values that hold no reference cycles
(syntax trees in a worker, results and their aggregation in the parent)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(promote: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off while results pile up and are aggregated. Results hold
    no reference cycles (frozen values, tuples, dicts), so it would find nothing, yet each of its
    passes walks every result received so far: on Home Assistant's 7,981 files that was ~0.5 s
    of the parent's CPU. Workers turn it back on (``run.parallel``); it is restored here after.

    ``promote``: the objects that survive the block are moved to the collector's oldest
    generation when it ends (``gc.freeze`` then ``gc.unfreeze``: two list splices). Otherwise
    they are all still "young", and the first collection after the block walks every one of
    them: ~0.3 s of the parent's CPU after a run over Home Assistant. Not done when something
    else froze objects (``gc.unfreeze`` would thaw those too)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if promote and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
