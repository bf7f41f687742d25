"""Choosing Free Wi-Fi sites: the greedy maximum-coverage pick and the radius check."""

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from coverage.compute.tiers import HOTSPOT_MAX_RADIUS_M


@dataclass(frozen=True)
class SitePick:
    """One chosen site: what it newly covers given the sites chosen before it."""

    site: Hashable
    gain: float
    elements: frozenset


def greedy_max_coverage(
    candidates: Mapping[Hashable, Iterable[Hashable]],
    weights: Mapping[Hashable, float],
    k: int,
    *,
    already_covered: Iterable[Hashable] = (),
) -> list[SitePick]:
    """Pick up to k candidate sites that together newly cover the most weight (greedy).

    `candidates` maps a site to the elements (addresses) it would cover; `weights` gives
    each element's weight (households). Elements in `already_covered` gain nothing. Ties
    go to the site listed first. Stops early when no site adds anything. The greedy
    choice is within (1 − 1/e) of the optimum. Raises ValueError when k < 1.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    covered = set(already_covered)
    remaining = {site: frozenset(elements) for site, elements in candidates.items()}
    picks: list[SitePick] = []
    while remaining and len(picks) < k:
        best, best_gain, best_new = None, 0.0, frozenset()
        for site, elements in remaining.items():
            new = elements - covered
            gain = float(sum(weights.get(e, 0.0) for e in new))
            if gain > best_gain:
                best, best_gain, best_new = site, gain, new
        if best is None:
            break
        picks.append(SitePick(site=best, gain=best_gain, elements=best_new))
        covered |= best_new
        del remaining[best]
    return picks


def validate_radius_m(radius_m: float, *, maximum: float = HOTSPOT_MAX_RADIUS_M) -> float:
    """Return the radius when 0 < radius_m ≤ maximum and finite; ValueError otherwise."""
    if radius_m is None or not np.isfinite(radius_m) or radius_m <= 0:
        raise ValueError("radius_m must be a positive number of metres")
    if radius_m > maximum:
        raise ValueError(f"radius_m must be at most {maximum:g} m")
    return float(radius_m)
