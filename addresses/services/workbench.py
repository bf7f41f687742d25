"""Writes of the verification workbench: confirm, move, rename or reject one address.

Each reads the address's row locked, checks the version the page was shown
(core.locking.version_check: a stale page is a StaleEdit, 409, and nothing is written),
and saves through the register's own validation with who and why in the history.
Confirm, move and rename leave the address verified by the user; reject retires it.
"""

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from addresses import services
from addresses.models import Address, Street
from core.errors import InvalidInput, NotFound
from core.locking import version_check


def _locked(address_id: int, version, user) -> Address:
    """The address's row locked for this transaction, at the version the page showed."""
    services.ensure_editor(user)
    queryset = Address.objects.select_for_update(of=("self",)).select_related("street")
    address = queryset.filter(pk=address_id).first()
    if address is None:
        raise NotFound(_("No address with id %(id)s.") % {"id": address_id})
    version_check(address, version)
    return address


def _mark_verified(address: Address, user) -> None:
    address.verified, address.verified_at, address.verified_by = True, timezone.now(), user


def _reason(reason: str, default: str) -> str:
    return (reason or "").strip()[:100] or default


@transaction.atomic
def address_confirm(*, address_id: int, version, user, reason: str = "") -> Address:
    """Mark the address verified as it stands (its point and number checked by the user).

    Raise PermissionDenied outside address_editors, NotFound, StaleEdit.
    """
    address = _locked(address_id, version, user)
    _mark_verified(address, user)
    services.save_with_history(
        address, user=user, reason=_reason(reason, _("confirmed in the verification workbench"))
    )
    return address


@transaction.atomic
def address_move(
    *, address_id: int, version, lon: float, lat: float, user, reason="", allow_outside=False
) -> Address:
    """Put the address at (lon, lat), EPSG:4326 degrees, and mark it verified.

    Raise InvalidInput for coordinates out of range or a point outside the village
    (unless `allow_outside`), and what `_locked` raises.
    """
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(_("Choose the point on the map."), code="location")
    address = _locked(address_id, version, user)
    address.location = Point(lon, lat, srid=4326)
    _mark_verified(address, user)
    reason = _reason(reason, _("point moved in the verification workbench"))
    return services.address_save(
        address=address, user=user, reason=reason, allow_outside=allow_outside
    )


@transaction.atomic
def address_rename(
    *, address_id: int, version, street_id: int, house_number: str, user, reason: str = ""
) -> Address:
    """Put the address on another street of its village and/or give it another number
    (the house-number grammar of resolution No. 690), and mark it verified.

    Raise InvalidInput for a street of another village or a malformed number, Conflict
    when the street already has an active address with that number.
    """
    address = _locked(address_id, version, user)
    street = Street.objects.filter(pk=street_id, settlement_id=address.settlement_id).first()
    if street is None:
        raise InvalidInput(_("Choose a street of this village."), code="street")
    address.street, address.house_number = street, house_number
    _mark_verified(address, user)
    reason = _reason(reason, _("renamed in the verification workbench"))
    # The point is not what changes here: a point outside is the move's business.
    return services.address_save(address=address, user=user, reason=reason, allow_outside=True)


@transaction.atomic
def address_reject(*, address_id: int, version, user, reason: str) -> Address:
    """Retire an address that should not be in the register (it stays in its history);
    the reason is required. Raise InvalidInput without one, and what `_locked` raises."""
    reason = services.require_reason(reason)
    address = _locked(address_id, version, user)
    address.status = Address.Status.RETIRED
    services.save_with_history(address, user=user, reason=reason)
    return address
