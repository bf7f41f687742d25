"""E-mails about reports, sent through Django's e-mail backend (console by default).

Called after the transaction commits (the mail of a new report by the task worker,
reports/tasks.py); a failing mail server is logged, never raised, so a resident's report
is not lost because an e-mail could not go out.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """Return SITE_URL + path (links in e-mails must be absolute)."""
    return f"{settings.SITE_URL}{path}"


def report_links(report) -> dict:
    return {
        "public_url": absolute(reverse("reports:detail", args=[report.number])),
        "follow_url": absolute(reverse("reports:follow", args=[report.follow_token])),
        "admin_url": absolute(reverse("admin:reports_report_change", args=[report.pk])),
    }


def _send(template: str, context: dict, recipients: list[str], unsubscribe_url="") -> None:
    recipients = [address for address in recipients if address]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, _, body = render_to_string(template, context).partition("\n")
    # RFC 2369 / RFC 8058: mail programs show a one-click "unsubscribe" that POSTs here.
    headers = (
        {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if unsubscribe_url
        else {}
    )
    try:
        message = EmailMessage(
            subject.strip(), body.strip() + "\n", None, recipients, headers=headers
        )
        message.send()
    except Exception:  # noqa: BLE001 — any mail failure is logged, never fatal
        logger.exception("could not send %s to %d recipient(s)", template, len(recipients))


def report_created(report) -> None:
    """Tell the category's address about a new report, and the reporter their private link."""
    context = {"report": report, **report_links(report)}
    _send("reports/email/new_report_staff.txt", context, [report.category.notify_email])
    _send("reports/email/new_report_reporter.txt", context, [report.reporter_email])


def report_filed_mail(report_id: int) -> None:
    """The mail of a newly filed report, as the task worker sends it: the category's
    address, the reporter's private link and, for a public report, the subscribers.
    Nothing when the report is gone (deleted before the worker came to it)."""
    from reports.models import Report

    report = (
        Report.objects.select_related("category", "settlement", "nearest_address")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return
    report_created(report)
    if report.is_public:
        subscribers(report)


def status_changed(report, update) -> None:
    """Tell the reporter (when they left an e-mail) that the status changed."""
    context = {"report": report, "update": update, **report_links(report)}
    _send("reports/email/status_changed.txt", context, [report.reporter_email])


def update_posted(report, update) -> None:
    """Tell the reporter (when they left an e-mail) of a public update, the state kept."""
    context = {"report": report, "update": update, **report_links(report)}
    _send("reports/email/update_posted.txt", context, [report.reporter_email])


def subscribers(report) -> None:
    """Tell every confirmed subscriber whose area covers the report about it."""
    from reports.selectors import subscriptions_for_report

    links = report_links(report)
    for subscription in subscriptions_for_report(report):
        unsubscribe = reverse("reports:unsubscribe", args=[subscription.token])
        # Only what the public page shows: no contact, no private link, no staff link.
        context = {
            "report": report,
            "public_url": links["public_url"],
            "unsubscribe_url": absolute(unsubscribe),
        }
        _send(
            "reports/email/subscription_report.txt",
            context,
            [subscription.email],
            unsubscribe_url=context["unsubscribe_url"],
        )


def subscription_confirm(subscription) -> None:
    """Ask the subscriber to confirm their address (and give the unsubscribe link)."""
    context = {
        "subscription": subscription,
        "confirm_url": absolute(reverse("reports:subscribe_confirm", args=[subscription.token])),
        "unsubscribe_url": absolute(reverse("reports:unsubscribe", args=[subscription.token])),
    }
    _send(
        "reports/email/subscription_confirm.txt",
        context,
        [subscription.email],
        unsubscribe_url=context["unsubscribe_url"],
    )


def support_confirm(report, email: str, token: str) -> None:
    """Ask `email` to confirm its "me too" for `report` (the link's page confirms by POST).
    The letter carries only the public report: its number, category and link."""
    context = {
        "report": report,
        "confirm_url": absolute(reverse("reports:support_email_confirm", args=[token])),
        "report_url": absolute(reverse("reports:detail", args=[report.number])),
    }
    _send("reports/email/support_confirm.txt", context, [email])
