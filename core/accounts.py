"""Staff accounts: create one with a role and a one-time link to set its password."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.errors import InvalidInput
from core.roles import GROUPS, ROLES, ROLES_IN_ADMIN


@dataclass(frozen=True)
class StaffAdded:
    user: object
    created: bool
    link: str


def password_link(user) -> str:
    """Return the absolute one-time URL (SITE_URL + Django's reset token) to set a password.

    It stops working once the password is set, and after PASSWORD_RESET_TIMEOUT seconds.
    """
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def staff_add(*, email: str, role: str, full_name: str = "") -> StaffAdded:
    """Create (or find) the account named by `email`, add it to the role's group, and
    give it staff status if the role works in the admin (`ROLES_IN_ADMIN`).

    A new account gets no usable password: its owner sets one through the link.
    Raise InvalidInput for a malformed e-mail or an unknown role.
    """
    from django.contrib.auth.models import Group

    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput(f"Not an e-mail address: {email!r}.") from exc
    if role not in ROLES:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
    User = get_user_model()
    user = (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )
    created = user is None
    if created:
        user = User(username=email, email=email)
        user.set_unusable_password()
    if full_name:
        user.first_name, _, user.last_name = full_name.strip().partition(" ")
    user.is_active = True
    user.is_staff = user.is_staff or role in ROLES_IN_ADMIN
    user.save()
    user.groups.add(Group.objects.get_or_create(name=GROUPS[role])[0])
    return StaffAdded(user=user, created=created, link=password_link(user))
