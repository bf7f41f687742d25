"""Registry of demo-data loaders: each app plugs its own into `manage.py load_demo`.

An app registers in its `AppConfig.ready()`:

    from layers import demo
    demo.register("addresses", addresses.demo.load, order=20)

A loader takes `log` (a callable printing one line) and must be idempotent: running it
twice leaves the same rows. `layers` never imports the apps above it; they come to it.
"""

from collections.abc import Callable
from dataclasses import dataclass

Loader = Callable[[Callable[[str], None]], None]


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Loader
    order: int


_LOADERS: dict[str, DemoLoader] = {}


def register(name: str, load: Loader, *, order: int) -> None:
    """Register (or replace) the demo loader called `name`; lower `order` runs first."""
    _LOADERS[name] = DemoLoader(name=name, load=load, order=order)


def loaders() -> list[DemoLoader]:
    """Return the registered loaders in the order they must run."""
    return sorted(_LOADERS.values(), key=lambda loader: (loader.order, loader.name))


DEMO_FILES = (
    ("territory", "territory.geojson"),
    ("settlements", "settlements.geojson"),
    ("facilities", "facilities.geojson"),
)


def load_layers(log: Callable[[str], None]) -> None:
    """Load the community, its 12 villages and their facilities from fixtures/."""
    from django.conf import settings

    from layers.services import layer_import

    for kind, filename in DEMO_FILES:
        report = layer_import(
            kind=kind, path=settings.BASE_DIR / "fixtures" / filename, commit=True
        )
        if not report.ok:
            first = report.errors[0]
            raise RuntimeError(f"demo {kind}: row {first.row}, {first.field}: {first.message}")
        log(f"{kind}: {report.created} created, {report.updated} updated")
