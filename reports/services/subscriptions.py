"""E-mail subscriptions to new reports in a village, within a radius of a point or in a
category. Confirmed by a POST from the link's page (mail scanners follow GET links);
bounded per e-mail address and per client address, so nobody can flood a stranger's
mailbox with confirmation letters."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotFound
from core.ratelimit import counter_incr, counter_value
from layers.models import Settlement
from reports import notify
from reports.errors import TooManyRequests
from reports.models import (
    Category,
    Subscription,
)
from reports.services.filing import (
    client_hash,
    point_in_territory,
)

# ------------------------------------------------------------------ subscriptions
SUBSCRIPTION_RADIUS_MAX_M = 10_000
# Letters asking one address to confirm, per day; requests from one client per hour.
PER_EMAIL_PER_DAY = 3
PER_CLIENT_PER_HOUR = 10
# RFC 5321's limit on a path, and the length of the models' e-mail fields.
EMAIL_MAX_CHARS = 254


@transaction.atomic
def subscription_create(
    *,
    email: str,
    settlement_katottg: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    radius_m: int | None = None,
    category_code: str | None = None,
    client_ip: str = "",
) -> Subscription:
    """Subscribe an e-mail to new reports in a village, within radius_m of a point, or in
    a category (one of the three).

    The subscription waits for the address owner to confirm it (a link is e-mailed).
    Raise InvalidInput for a bad e-mail or area, NotFound for an unknown village or
    category, TooManyRequests past PER_EMAIL_PER_DAY unconfirmed subscriptions of one
    address a day or PER_CLIENT_PER_HOUR requests of one client address an hour.
    """
    email = email_clean(email)
    _limits_check(email, client_ip)
    subscription = Subscription(email=email)
    if settlement_katottg:
        subscription.settlement = Settlement.objects.filter(katottg=settlement_katottg).first()
        if subscription.settlement is None:
            raise NotFound(_("Unknown village."), code="unknown_settlement")
    elif lat is not None and lon is not None:
        subscription.centre = point_in_territory(lat, lon)
        if not radius_m or not 0 < radius_m <= SUBSCRIPTION_RADIUS_MAX_M:
            raise InvalidInput(
                _("The radius must be 1–%d m.") % SUBSCRIPTION_RADIUS_MAX_M, code="invalid_radius"
            )
        subscription.radius_m = radius_m
    elif category_code:
        subscription.category = Category.objects.filter(code=category_code).first()
        if subscription.category is None:
            raise NotFound(_("Unknown category."), code="unknown_category")
    else:
        raise InvalidInput(
            _("Choose a village, a point on the map or a category."), code="invalid_area"
        )
    subscription.save()
    if client_ip:
        counter_incr(_client_key(client_ip), 3600)
    transaction.on_commit(lambda: notify.subscription_confirm(subscription))
    return subscription


def email_clean(email: str) -> str:
    email = (email or "").strip()
    try:
        if len(email) > EMAIL_MAX_CHARS:  # validate_email does not bound the local part
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise InvalidInput(_("The e-mail address is not valid."), code="invalid_email") from None
    return email


def _client_key(client_ip: str) -> str:
    return f"reports:subscribe:{client_hash(client_ip)}"


def _limits_check(email: str, client_ip: str) -> None:
    since = timezone.now() - timedelta(days=1)
    waiting = Subscription.objects.filter(
        email__iexact=email, is_confirmed=False, created_at__gte=since
    ).count()
    if waiting >= PER_EMAIL_PER_DAY:
        raise TooManyRequests(
            _("This address has subscriptions waiting for confirmation. Check its mailbox."),
            retry_after_s=24 * 3600,
        )
    if client_ip and counter_value(_client_key(client_ip)) >= PER_CLIENT_PER_HOUR:
        raise TooManyRequests(
            _("Too many subscriptions from your address. Please try again later."),
            retry_after_s=3600,
        )


def subscription_confirm(*, token: str) -> Subscription:
    """Confirm a subscription (a POST from its link's page); NotFound for an unknown token."""
    subscription = _subscription_by_token(token)
    if not subscription.is_confirmed:
        subscription.is_confirmed = True
        subscription.save(update_fields=["is_confirmed"])
    return subscription


def subscription_get(*, token: str) -> Subscription:
    """The subscription a link names; NotFound for an unknown token."""
    return _subscription_by_token(token)


def subscription_delete(*, token: str) -> None:
    """Unsubscribe (delete the subscription); NotFound for an unknown token."""
    _subscription_by_token(token).delete()


def _subscription_by_token(token: str) -> Subscription:
    subscription = (
        Subscription.objects.select_related("settlement", "category").filter(token=token).first()
    )
    if subscription is None:
        raise NotFound(_("This link is not valid."), code="invalid_token")
    return subscription
