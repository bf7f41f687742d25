"""History that means something: a point that moved less than a tolerance did not move,
and each change reads as people say it ("вулиця: Садова → Шевченка", "moved 12 m to the
north-east").

`moved_m` and `direction` are pure (metres on the local tangent plane, good to a
millimetre over the few hundred metres an address moves); `change_lines` reads a
django-simple-history record against the one before it.
"""

import math

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.template_utils import HistoricalRecordContextHelper

from addresses.models import Street

# A point moved by less than this is the same point (floating-point jitter of a
# re-import or a re-projection); no change is recorded.
LOCATION_TOLERANCE_M = 0.5
_EARTH_RADIUS_M = 6_371_008.8
_DIRECTIONS = (
    gettext_lazy("north"), gettext_lazy("north-east"), gettext_lazy("east"),
    gettext_lazy("south-east"), gettext_lazy("south"), gettext_lazy("south-west"),
    gettext_lazy("west"), gettext_lazy("north-west"),
)  # fmt: skip
# Fields whose change the history does not list (bookkeeping).
_QUIET = {"version", "number", "number_to", "letter", "fraction", "building", "settlement"}


def _offset_m(old: tuple[float, float], new: tuple[float, float]) -> tuple[float, float]:
    """Return (east, north) metres from `old` to `new`, both (lon, lat) in degrees."""
    lat = math.radians((old[1] + new[1]) / 2)
    east = math.radians(new[0] - old[0]) * _EARTH_RADIUS_M * math.cos(lat)
    north = math.radians(new[1] - old[1]) * _EARTH_RADIUS_M
    return east, north


def moved_m(old: tuple[float, float], new: tuple[float, float]) -> float:
    """Return the distance in metres between two (lon, lat) points in EPSG:4326."""
    return math.hypot(*_offset_m(old, new))


def direction(old: tuple[float, float], new: tuple[float, float]) -> str:
    """Return the compass direction (one of eight, translated) from `old` to `new`."""
    east, north = _offset_m(old, new)
    bearing = math.degrees(math.atan2(east, north)) % 360
    return str(_DIRECTIONS[round(bearing / 45) % 8])


def same_place(old, new) -> bool:
    """Tell whether two GEOS points (or None) are the same place within the tolerance."""
    if old is None or new is None:
        return old is None and new is None
    return moved_m((old.x, old.y), (new.x, new.y)) < LOCATION_TOLERANCE_M


def move_text(old, new) -> str:
    """Return how a point changed: "moved 12 m to the north-east", "placed", "removed"."""
    if old is None:
        return _("placed on the map")
    if new is None:
        return _("removed from the map")
    metres = round(moved_m((old.x, old.y), (new.x, new.y)))
    return ngettext(
        "moved %(metres)d m to the %(direction)s",
        "moved %(metres)d m to the %(direction)s",
        metres,
    ) % {"metres": metres, "direction": direction((old.x, old.y), (new.x, new.y))}


class ReadableChanges(HistoricalRecordContextHelper):
    """django-simple-history's formatter of a record's changes, in words people use."""

    def context_for_delta_changes(self, delta) -> list[dict]:
        rows = []
        for change in delta.changes:
            if change.field in _QUIET:
                continue
            title = _field_title(self.model, change.field)
            if change.field != "location":
                old = _value(self.model, change.field, change.old)
                new = _value(self.model, change.field, change.new)
                rows.append({"field": title, "old": old, "new": new})
            elif not same_place(change.old, change.new):
                rows.append({"field": title, "old": "", "new": move_text(change.old, change.new)})
        return rows


def change_lines(record) -> list[str]:
    """Return one readable line per field a history record changed against the record
    before it ("Street: Садова → Шевченка", "Location: moved 12 m to the north"); []
    for the first record."""
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    rows = ReadableChanges(record.instance_type, record).context_for_delta_changes(delta)
    return [
        " → ".join(filter(None, [f"{row['field']}: {row['old']}", row["new"]]))
        if row["old"]
        else f"{row['field']}: {row['new']}"
        for row in rows
    ]


def _field_title(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _value(model, name: str, value) -> str:
    """A value as people read it: a related object's name, a choice's label, "—"."""
    field = model._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        if related is None:
            return f"#{value}"
        # A street of the address's own village: its name alone ("провулок Садовий").
        return related.label if isinstance(related, Street) else str(related)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)
