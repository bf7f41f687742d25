"""The address import's plan and write: match rows to the register, then write them.

An address matches by registry_id first, then by street and house number (active
addresses only). New addresses go in by COPY with their history rows (core.imports.write);
changed ones by bulk_update_with_history; new streets are created first.
"""

from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from addresses import compute, history
from addresses.models import Address, Street
from core.imports import Issue, Outcome, Plan, Planned
from core.imports.write import copy_create_with_history, ewkb_point
from core.locking import versions_bump

_COMPARED = ("street_id", "house_number", "postcode", "building_use", "households", "status")


@dataclass
class Candidate:
    """A validated row, ready to be matched against the register."""

    row: int
    settlement_id: int
    kind: str
    street_name: str
    house: compute.HouseNumber
    postcode: str
    building_use: str
    households: int
    registry_id: str
    status: str
    point: tuple[float, float] | None
    street_id: int | None = None

    @property
    def street_key(self) -> tuple[int, str, str]:
        return (self.settlement_id, self.kind, self.street_name)


class Matcher:
    """The register rows of the settlements an import touches, indexed for matching."""

    def __init__(self, candidates: list[Candidate]):
        ids = {c.settlement_id for c in candidates}
        self.streets = {
            (s.settlement_id, s.kind, s.name): s.pk
            for s in Street.objects.filter(settlement_id__in=ids).only(
                "pk", "settlement_id", "kind", "name"
            )
        }
        existing = Address.objects.filter(settlement_id__in=ids).values(
            "pk", "registry_id", "location", *_COMPARED
        )
        self.by_registry = {r["registry_id"]: r for r in existing if r["registry_id"]}
        self.by_key = {
            (r["street_id"], r["house_number"]): r for r in existing if r["status"] == "active"
        }
        self.new_streets: dict[tuple[int, str, str], bool] = {}

    def plan(self, candidate: Candidate) -> Planned | Issue:
        candidate.street_id = self.streets.get(candidate.street_key)
        if candidate.street_id is None:
            self.new_streets.setdefault(candidate.street_key, True)
        match = self._match(candidate)
        if isinstance(match, Issue):
            return match
        label = self.label(candidate)
        if match is None:
            return Planned(candidate.row, Outcome.NEW, candidate, label=label)
        if not _differs(match, candidate):
            return Planned(candidate.row, Outcome.UNCHANGED, candidate, stored=match["pk"])
        changes = self.changes(match, candidate)
        return Planned(candidate.row, Outcome.CHANGED, candidate, match["pk"], changes, label)

    def label(self, candidate: Candidate) -> str:
        """The row's address as people read it: "вул. Шевченка, 12"."""
        abbreviation = compute.STREET_KIND_BY_CODE[candidate.kind].abbreviation
        return f"{abbreviation} {candidate.street_name}, {candidate.house.display}"

    def changes(self, stored: dict, candidate: Candidate) -> dict:
        """Return {field: (old, new)} of a changed row; the point as "moved 12 m to …"."""
        wanted, changes = _fields(candidate), {}
        for name in _COMPARED:
            if stored[name] != wanted[name]:
                changes[name] = (stored[name], wanted[name])
        if "street_id" in changes:
            names = {pk: f"{kind} {name}" for (_s, kind, name), pk in self.streets.items()}
            old = stored["street_id"]
            changes["street"] = (names.get(old, old), f"{candidate.kind} {candidate.street_name}")
            del changes["street_id"]
        if candidate.registry_id and stored["registry_id"] != candidate.registry_id:
            changes["registry_id"] = (stored["registry_id"], candidate.registry_id)
        old, new = stored["location"], candidate.point
        new_point = Point(*new, srid=4326) if new else None
        if not history.same_place(old, new_point):
            changes["location"] = history.move_text(old, new_point)
        return changes

    def _match(self, candidate: Candidate):
        """Return the matching register row, None for a new address, an Issue on a clash."""
        by_id = self.by_registry.get(candidate.registry_id) if candidate.registry_id else None
        key = (candidate.street_id, candidate.house.display)
        by_key = (
            self.by_key.get(key) if candidate.street_id and candidate.status == "active" else None
        )
        if by_id and by_key and by_id["pk"] != by_key["pk"]:
            message = _(
                "registry_id %(id)s is address #%(a)s, but address #%(b)s already has this "
                "street and number"
            ) % {"id": candidate.registry_id, "a": by_id["pk"], "b": by_key["pk"]}
            return Issue(candidate.row, "house_number", message)
        if by_key and not by_id and by_key["registry_id"] and candidate.registry_id:
            message = _(
                "the register already has this street and number as address #%(pk)s "
                "with registry_id %(id)s"
            ) % {"pk": by_key["pk"], "id": by_key["registry_id"]}
            return Issue(candidate.row, "registry_id", message)
        return by_id or by_key


def match(register, checked) -> list:
    """Plan every valid row (the engine's match step); remember the streets to create."""
    register.matcher = Matcher([item.values for item in checked])
    return [register.matcher.plan(item.values) for item in checked]


def write(register, plan: Plan, progress=None) -> None:
    """Write the plan (inside the engine's transaction), history included."""
    matcher, options = register.matcher, register.options
    user, reason = options.get("user"), options.get("reason", "")[:100]
    history = {"default_user": user, "default_change_reason": reason, "batch_size": 2000}
    streets = [Street(settlement_id=s, kind=k, name=n) for s, k, n in matcher.new_streets]
    for street in bulk_create_with_history(streets, Street, **history):
        matcher.streets[(street.settlement_id, street.kind, street.name)] = street.pk
    for planned in plan.rows:
        planned.values.street_id = matcher.streets[planned.values.street_key]
    creates = [_new_values(p.values) for p in plan.of(Outcome.NEW)]
    copy_create_with_history(Address, creates, user=user, reason=reason)
    updates = plan.of(Outcome.CHANGED)
    objects = Address.objects.in_bulk([planned.stored for planned in updates])
    changed = [_apply(objects[p.stored], p.values) for p in updates]
    if changed:
        names = [*_COMPARED, "number", "number_to", "letter", "fraction", "building"]
        names.append("registry_id")
        bulk_update_with_history(changed, Address, [*names, "location", "settlement"], **history)
        versions_bump(Address.objects.filter(pk__in=[address.pk for address in changed]))


def _differs(row: dict, candidate: Candidate) -> bool:
    wanted = _fields(candidate)
    if any(row[name] != wanted[name] for name in _COMPARED):
        return True
    if candidate.registry_id and row["registry_id"] != candidate.registry_id:
        return True
    old = row["location"]
    if (old is None) != (candidate.point is None):
        return True
    return old is not None and (
        history.moved_m((old.x, old.y), candidate.point) >= history.LOCATION_TOLERANCE_M
    )


def _new_values(candidate: Candidate) -> dict:
    """Return {attname: value} of a new address, the point as EWKB hex (no model
    instance: 100,000 of those and their GEOS points cost more than the COPY itself)."""
    house, point = candidate.house, candidate.point
    return {
        **_fields(candidate),
        "settlement_id": candidate.settlement_id,
        **compute.house_fields(house),
        "registry_id": candidate.registry_id,
        "location": ewkb_point(point) if point else None,
    }


def _apply(address: Address, candidate: Candidate) -> Address:
    for name, value in _fields(candidate).items():
        setattr(address, name, value)
    for name, value in compute.house_fields(candidate.house).items():
        setattr(address, name, value)
    address.settlement_id = candidate.settlement_id
    if candidate.registry_id:
        address.registry_id = candidate.registry_id
    address.location = Point(*candidate.point, srid=4326) if candidate.point else None
    return address


def _fields(candidate: Candidate) -> dict:
    return {
        "street_id": candidate.street_id,
        "house_number": candidate.house.display,
        "postcode": candidate.postcode,
        "building_use": candidate.building_use,
        "households": candidate.households,
        "status": candidate.status,
    }
