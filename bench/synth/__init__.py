"""Seeded synthetic data for benchmarks; `bench/generate.py` is its command line.

Importing this package registers every entity generator, in dependency order. A new
entity (addresses, coverage areas, reports) goes in a module of its own here, registered
with `@register(...)`, and is imported below after the entities it reads.
"""

# Registration order is generation order: parents first.
# isort: off
from bench.synth import layers  # noqa: F401  territories, settlements
from bench.synth import facilities  # noqa: F401
from bench.synth import addresses  # noqa: F401  streets, addresses (after settlements)
from bench.synth import coverage  # noqa: F401  providers, coverage areas (after settlements)

# isort: on
from bench.synth.registry import (
    ENTITIES,
    SIZES,
    SYNTHETIC_PREFIX,
    Context,
    Entity,
    Size,
    digest,
    generate,
    register,
)

__all__ = [
    "ENTITIES",
    "SIZES",
    "SYNTHETIC_PREFIX",
    "Context",
    "Entity",
    "Size",
    "digest",
    "generate",
    "register",
]
