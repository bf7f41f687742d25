"""E-mail subscriptions to new reports in a village or within a radius of a point."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotFound
from layers.models import Settlement
from reports import notify
from reports.models import (
    Subscription,
)
from reports.services.filing import (
    _point_in_territory,
)

# ------------------------------------------------------------------ subscriptions
SUBSCRIPTION_RADIUS_MAX_M = 10_000


@transaction.atomic
def subscription_create(
    *,
    email: str,
    settlement_katottg: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    radius_m: int | None = None,
) -> Subscription:
    """Subscribe an e-mail to new reports in a village, or within radius_m of a point.

    The subscription waits for the address owner to confirm it (a link is e-mailed).
    Raise InvalidInput for a bad e-mail or area, NotFound for an unknown village.
    """
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("The e-mail address is not valid."), code="invalid_email") from None
    subscription = Subscription(email=email.strip())
    if settlement_katottg:
        subscription.settlement = Settlement.objects.filter(katottg=settlement_katottg).first()
        if subscription.settlement is None:
            raise NotFound(_("Unknown village."), code="unknown_settlement")
    elif lat is not None and lon is not None:
        subscription.centre = _point_in_territory(lat, lon)
        if not radius_m or not 0 < radius_m <= SUBSCRIPTION_RADIUS_MAX_M:
            raise InvalidInput(
                _("The radius must be 1–%d m.") % SUBSCRIPTION_RADIUS_MAX_M, code="invalid_radius"
            )
        subscription.radius_m = radius_m
    else:
        raise InvalidInput(_("Choose a village or a point on the map."), code="invalid_area")
    subscription.save()
    transaction.on_commit(lambda: notify.subscription_confirm(subscription))
    return subscription


def subscription_confirm(*, token: str) -> Subscription:
    """Confirm a subscription from the link in its e-mail; NotFound for an unknown token."""
    subscription = _subscription_by_token(token)
    if not subscription.is_confirmed:
        subscription.is_confirmed = True
        subscription.save(update_fields=["is_confirmed"])
    return subscription


def subscription_delete(*, token: str) -> None:
    """Unsubscribe (delete the subscription); NotFound for an unknown token."""
    _subscription_by_token(token).delete()


def _subscription_by_token(token: str) -> Subscription:
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    return subscription
