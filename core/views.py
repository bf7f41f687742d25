"""Sign-in, sign-out and password reset in the service's own layout (Django's views)."""

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme

from core.navigation import home_url


class SignInView(auth_views.LoginView):
    """The sign-in page; a signed-in visitor goes on to their first staff page."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Only when there is no safe `next` (LoginView checks it against the host).
        return home_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and land on the landing page."""

    next_page = "/"


class StaffPasswordResetForm(PasswordResetForm):
    """Django's form, but an account made by `staff_add` that has no password yet may
    ask for a link too (Django skips accounts without a usable password)."""

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by e-mail; the page says the same whether or not the address exists."""

    form_class = StaffPasswordResetForm

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a password from a one-time link (the e-mail's, or the one `staff_add` prints)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def admin_login(request, extra_context=None):
    """Stand in for the admin's login page: nobody is shown the stock "Django
    administration" form. A visitor is sent to the service's sign-in page (with ?next=);
    a signed-in user without staff status gets the 403 page. POSTs still reach the admin's
    own view, so scripts and the lock-out (core/auth.py) work as before."""
    from django.contrib import admin
    from django.contrib.admin.sites import AdminSite
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect

    if request.method == "POST":
        return AdminSite.login(admin.site, request, extra_context)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/admin/"  # never send anyone off-site
    if request.user.is_authenticated:
        if not request.user.is_active or not request.user.is_staff:
            raise PermissionDenied
        return redirect(target)
    return redirect_to_login(target)
