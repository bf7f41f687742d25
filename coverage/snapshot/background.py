"""The second thread of a computation: hexagon areas and gaps beside the point location.

GEOS releases the GIL, so while the main thread locates the points in the unions
(step 4), this one measures the hexagons against the territories and the coverage pieces
and draws the gaps; the main thread then takes a share of the remaining jobs.
"""

import queue
import threading

import numpy as np

from coverage import hexagons, overlay
from coverage.snapshot.areas import Geometry, gaps
from coverage.snapshot.hexagons import Background
from coverage.snapshot.inputs import Inputs
from coverage.snapshot.unions import copies


class Jobs:
    """The jobs of background, which the main thread shares once its own work is done:
    each thread takes the next job until none is left. Each thread measures against its
    own copy of the hexagons (GEOS prepares a geometry lazily on first use, which is not
    safe from two threads at once, see measure_areas)."""

    def __init__(self):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.results: dict = {}
        self.ready = threading.Event()  # every job queued
        self.hex_m: np.ndarray | None = None  # the main thread's copy of the hexagons

    def work(self, hex_m: np.ndarray) -> None:
        while True:
            try:
                name, job = self.queue.get_nowait()
            except queue.Empty:
                return
            self.results[name] = job(hex_m)

    def help(self, beside) -> None:
        """Take jobs from the main thread once they are queued (or background failed)."""
        while not self.ready.wait(0.05):
            if beside.done():
                return
        self.work(self.hex_m)


def background(inputs: Inputs, geo: Geometry, drawing, jobs: Jobs) -> None:
    """Hexagon areas and the gaps. Run in a second thread while the main one locates the
    points in the unions (GEOS releases the GIL); the main thread then takes a share of the
    jobs (Jobs). drawing: the future of the Hexagons."""
    hexes = drawing.result()
    jobs.hex_m = copies(hexes.outline_m)
    # Largest first; the pieces are copied: the gaps read some of them meanwhile.
    zones = {"inside": inputs.territories_m}
    zones.update({key: geo.clipped[key] for key in hexagons.HEX_PIECES})
    for name in sorted(zones, key=lambda k: -len(zones[k])):
        pieces = zones[name]
        jobs.queue.put((name, lambda hex_m, p=pieces: overlay.overlaps(copies(p), hex_m)[0]))
    jobs.queue.put(("gaps", lambda _: gaps(inputs, geo)))
    jobs.ready.set()
    jobs.work(hexes.outline_m)


def background_result(jobs: Jobs, beside, drawing, locating) -> Background:
    """Wait for the background thread, the jobs both threads took and homes_locate."""
    beside.result()
    r = jobs.results
    return Background(
        hexes=drawing.result(),
        inside=r["inside"],
        covered={key: r[key] for key in hexagons.HEX_PIECES},
        homes_at=locating.result(),
        gaps=r["gaps"],
    )
