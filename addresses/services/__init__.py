"""Writes to the address register: create, change, retire, verify — each with who and why.

Every write goes through here (the admin and the import call these functions), so every
change is validated the same way and lands in the history with its user and reason.
"""

from collections.abc import Iterable

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from addresses import compute, history
from addresses.errors import message_of
from addresses.models import EDITORS_GROUP, Address, Street
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.locking import versions_bump
from core.roles import in_group
from layers.models import Settlement
from layers.tiles import cache as tilecache


def can_edit_register(user) -> bool:
    """Tell whether the user may change the register: superusers and `address_editors`."""
    return in_group(user, EDITORS_GROUP)


def ensure_editor(user) -> None:
    """Raise PermissionDenied unless the user may change the register."""
    if not can_edit_register(user):
        raise PermissionDenied(
            _("Only members of the group address_editors may change the address register.")
        )


def require_reason(reason: str) -> str:
    """Return the reason for a change, stripped and cut to the history's 100 characters;
    InvalidInput when there is none."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the register changes (a reason is required)."), code="reason")
    return reason[:100]


# --------------------------------------------------------------------------- streets


def street_get_or_create(
    *, settlement: Settlement, kind: str, name: str, user=None, reason: str = "", is_demo=False
) -> tuple[Street, bool]:
    """Return the street of that kind and name in the settlement, creating it if missing.

    `kind` may be a code, a Ukrainian word or an abbreviation; raise InvalidInput when it
    is outside the vocabulary or the name is empty.
    """
    try:
        kind = compute.street_kind_code(kind)
    except compute.StreetKindError as exc:
        raise InvalidInput(message_of(exc), code="street_kind") from exc
    name = compute.normalize_street_name(name)
    if not name:
        raise InvalidInput(_("Street name is empty."), code="street")
    street = Street.objects.filter(settlement=settlement, kind=kind, name=name).first()
    if street is not None:
        return street, False
    street = Street(settlement=settlement, kind=kind, name=name, is_demo=is_demo)
    save_with_history(street, user=user, reason=reason or _("street created"))
    return street, True


@transaction.atomic
def street_save(*, street: Street, user, reason: str) -> Street:
    """Save a street (new or changed); search reads the new name at once.

    Address search matches `Street.search_name`, a column PostgreSQL generates from the
    name, and settlements by their current name, so a rename needs no refresh.
    """
    ensure_editor(user)
    street.name = compute.normalize_street_name(street.name)
    _full_clean(street)
    save_with_history(street, user=user, reason=require_reason(reason))
    return street


# --------------------------------------------------------------------------- addresses


def address_apply_house_number(address: Address, raw: str) -> None:
    """Set the normalized house number and its parts; raise InvalidInput saying why not."""
    try:
        house = compute.parse_house_number(raw)
    except compute.HouseNumberError as exc:
        raise InvalidInput(message_of(exc), code="house_number") from exc
    for name, value in compute.house_fields(house).items():
        setattr(address, name, value)


def address_problems(address: Address, *, allow_outside: bool = False) -> dict[str, str]:
    """Return {field: message} of the rules this (unsaved) address breaks; {} when none.

    Checks the house number, the point against the settlement's boundary, and that no
    other active address has the same street and number.
    """
    problems = {}
    try:
        compute.parse_house_number(address.house_number)
    except compute.HouseNumberError as exc:
        problems["house_number"] = message_of(exc)
    check_inside = address.location is not None and not allow_outside
    if check_inside and (message := _outside_message(address.settlement_id, address.location)):
        problems["location"] = message
    check_duplicate = address.status == Address.Status.ACTIVE and "house_number" not in problems
    if check_duplicate and (message := _duplicate_message(address)):
        problems["house_number"] = message
    return problems


def _outside_message(settlement_id: int, location: Point) -> str | None:
    settlement = Settlement.objects.filter(pk=settlement_id).first()
    if settlement is None or settlement.boundary is None:
        return None
    if Settlement.objects.filter(pk=settlement_id, boundary__intersects=location).exists():
        return None
    return _(
        "The point (%(lon).6f, %(lat).6f) lies outside %(settlement)s; "
        "move it into the settlement or allow points outside explicitly."
    ) % {"lon": location.x, "lat": location.y, "settlement": settlement.name_uk}


def address_duplicate(address: Address) -> Address | None:
    """Return the other active address with the same street and number, if any."""
    house_number = compute.normalize_house_number(address.house_number)
    return (
        Address.objects.active()
        .filter(street_id=address.street_id, house_number=house_number)
        .exclude(pk=address.pk)
        .first()
    )


def _duplicate_message(address: Address) -> str | None:
    clash = address_duplicate(address)
    if clash is None:
        return None
    return _("An active address %(number)s on this street already exists (id %(id)s).") % {
        "number": clash.house_number,
        "id": clash.pk,
    }


@transaction.atomic
def address_save(*, address: Address, user, reason: str, allow_outside: bool = False) -> Address:
    """Validate and save an address (new or changed) with who and why in its history.

    Raise PermissionDenied for a user outside address_editors, InvalidInput for a
    malformed number or a point outside the settlement, Conflict for a duplicate.
    """
    ensure_editor(user)
    reason = require_reason(reason)
    address_apply_house_number(address, address.house_number)
    address.settlement_id = address.street.settlement_id
    if address.status == Address.Status.ACTIVE and (clash := _duplicate_message(address)):
        raise Conflict(clash, code="duplicate")
    if problems := address_problems(address, allow_outside=allow_outside):
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, code=field, details=problems)
    _full_clean(address)
    _keep_jittered_location(address)
    save_with_history(address, user=user, reason=reason)
    return address


def _keep_jittered_location(address: Address) -> None:
    """Keep the stored point when the new one is within history.LOCATION_TOLERANCE_M of
    it: a point that moved by jitter has not moved, and the history says nothing."""
    if address.pk is None or address.location is None:
        return
    stored = Address.objects.filter(pk=address.pk).values_list("location", flat=True).first()
    if stored is not None and history.same_place(stored, address.location):
        address.location = stored


# Fields the API may change on an address (besides the point, given as lon/lat).
API_EDITABLE = ("house_number", "postcode", "building_use", "households", "status")


@transaction.atomic
def address_update(*, address_id: int, changes: dict, user, reason: str, check=None) -> Address:
    """Change an address's fields (API_EDITABLE, and `lon`/`lat` together) under a row lock.

    `check(address)` runs on the locked, current row before anything changes: the API
    passes core.locking.check_if_match, so a stale If-Match is a 412 and nothing is
    written. Raise NotFound, PermissionDenied, InvalidInput as address_save does.
    """
    ensure_editor(user)
    address = Address.objects.select_for_update().filter(pk=address_id).first()
    if address is None:
        raise NotFound(_("No address with id %(id)s.") % {"id": address_id})
    if check is not None:
        check(address)
    if "house_number" in changes:
        address_apply_house_number(address, changes.pop("house_number"))
    lon, lat = changes.pop("lon", None), changes.pop("lat", None)
    if (lon is None) != (lat is None):
        raise InvalidInput(_("Give both lon and lat to move an address."), code="location")
    if lon is not None:
        address.location = Point(lon, lat, srid=4326)
    for name in API_EDITABLE:
        if name in changes:
            setattr(address, name, changes[name])
    return address_save(address=address, user=user, reason=reason)


def address_create(*, street: Street, house_number: str, user, reason: str, **fields) -> Address:
    """Create an active address on the street; see address_save for the failures."""
    allow_outside = fields.pop("allow_outside", False)
    address = Address(street=street, house_number=house_number, **fields)
    return address_save(address=address, user=user, reason=reason, allow_outside=allow_outside)


@transaction.atomic
def address_retire(*, addresses: Iterable[Address], user, reason: str) -> int:
    """Retire active addresses (they stay in the register and its history); return how many."""
    ensure_editor(user)
    reason = require_reason(reason)
    changed = [a for a in addresses if a.status == Address.Status.ACTIVE]
    for address in changed:
        address.status = Address.Status.RETIRED
    return _bulk_update(changed, ["status"], user=user, reason=reason)


@transaction.atomic
def address_mark_verified(*, addresses: Iterable[Address], user, reason: str = "") -> int:
    """Mark addresses verified now by the user; return how many changed."""
    ensure_editor(user)
    reason = (reason or "").strip() or _("verified against the national address register")
    now = timezone.now()
    changed = [a for a in addresses if not a.verified]
    for address in changed:
        address.verified, address.verified_at, address.verified_by = True, now, user
    return _bulk_update(
        changed, ["verified", "verified_at", "verified_by"], user=user, reason=reason
    )


# --------------------------------------------------------------------------- helpers


def _full_clean(instance) -> None:
    """Run model validation; raise InvalidInput naming the fields that fail."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        details = {field: "; ".join(messages) for field, messages in exc.message_dict.items()}
        message = "; ".join(f"{field}: {text}" for field, text in details.items())
        raise InvalidInput(message, details=details) from exc


def save_with_history(instance, *, user, reason: str) -> None:
    """Save `instance` with a history row naming `user` (when signed in) and `reason`."""
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance._change_reason = reason
    instance.save()


def _bulk_update(objects: list, fields: list[str], *, user, reason: str) -> int:
    if not objects:
        return 0
    bulk_update_with_history(
        objects,
        type(objects[0]),
        fields,
        batch_size=1000,
        default_user=user if user is not None and user.is_authenticated else None,
        default_change_reason=reason,
    )
    # bulk_update skips save(): raise the versions, so forms opened before go stale.
    versions_bump(type(objects[0]).objects.filter(pk__in=[obj.pk for obj in objects]))
    # bulk_update sends no post_save: tell the tile and count caches the data changed.
    transaction.on_commit(tilecache.bump)
    return len(objects)


# --------------------------------------------------------------------------- import

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def address_import(
    *,
    path,
    settlement: str | None = None,
    commit: bool = False,
    allow_outside: bool = False,
    srid: int | None = None,
    user=None,
    reason: str = "",
    encoding: str | None = None,
    progress=None,
):
    """Validate a file of addresses and, with `commit`, write it all or nothing.

    Runs the one import engine with addresses.imports.ADDRESS_KIND. `settlement`
    (KATOTTG) applies to rows without a settlement column; `srid`: the CRS of CSV
    coordinates (default EPSG:4326); `encoding`: of a CSV or a Shapefile without .cpg
    (default: detected, core.imports.encoding); `progress(done, total)`: called after each
    row of each pass (core.progress.PassesBar). Raise InvalidInput when the file cannot be
    read at all; row problems go to the report (addresses.imports.ImportReport).
    """
    from pathlib import Path

    from addresses.imports import ADDRESS_KIND
    from core.imports import run_import

    reason = reason or _("import of %(name)s") % {"name": Path(path).name}
    options = {"settlement": settlement, "allow_outside": allow_outside}
    options |= {"user": user, "reason": reason}
    return run_import(
        ADDRESS_KIND,
        path,
        commit=commit,
        options=options,
        srid=srid,
        encoding=encoding,
        progress=progress,
    )


def address_import_upload(
    *, upload, settlement=None, commit=False, allow_outside=False, user=None, reason=""
):
    """Import an uploaded file (admin); raise InvalidInput when it is over 50 MB."""
    import tempfile
    from pathlib import Path

    from django.conf import settings

    ensure_editor(user)
    limit = int(getattr(settings, "ADDRESSES_UPLOAD_MAX_BYTES", MAX_UPLOAD_BYTES))
    if upload.size > limit:
        raise InvalidInput(
            _("The file is %(size).1f MB; the limit is %(limit).0f MB. Nothing was written.")
            % {"size": upload.size / 2**20, "limit": limit / 2**20},
            code="file_too_large",
        )
    name = Path(upload.name).name
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / f"upload{Path(upload.name).suffix.lower()}"
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        return address_import(
            path=target,
            settlement=settlement.katottg if settlement else None,
            commit=commit,
            allow_outside=allow_outside,
            user=user,
            reason=reason or _("upload of %(name)s") % {"name": name},
        )


# The verification workbench's writes live in their own module (this one outgrew ~300
# lines); imported last, because they build on the functions above.
from addresses.services.workbench import (  # noqa: E402, F401
    address_confirm,
    address_move,
    address_reject,
    address_rename,
)
