"""Forms of the moderation workbench and the staff intake. Each staff form carries the
report's `version`, so a write over someone else's change is refused (a conflict)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.names import local_name
from reports.forms import MultipleFileField
from reports.models import DESCRIPTION_MAX_CHARS, Channel, Status
from reports.moderation import selectors
from reports.states import is_reopening, transitions_from

AGE_CHOICES = [
    (0, _("any age")),
    (1, _("older than a day")),
    (7, _("older than a week")),
    (30, _("older than a month")),
]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    settlement = forms.ChoiceField(label=_("Village"), required=False)
    age = forms.TypedChoiceField(
        label=_("Age"), choices=AGE_CHOICES, coerce=int, required=False, empty_value=0
    )

    def __init__(self, *args, categories=(), settlements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            (selectors.OPEN, _("open (new, acknowledged, in progress)")),
            *Status.choices,
            (selectors.UNAPPROVED, _("awaiting approval")),
            (selectors.PENDING, _("comments awaiting moderation")),
            (selectors.ALL, _("all")),
        ]
        self.fields["category"].choices = [("", _("all"))] + [(c.code, c.name) for c in categories]
        self.fields["settlement"].choices = [("", _("all"))] + [
            (s.katottg, local_name(s)) for s in settlements
        ]

    def queue_filter(self) -> selectors.QueueFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return selectors.QueueFilter(
            state=data.get("state") or selectors.OPEN,
            category=data.get("category") or "",
            settlement=data.get("settlement") or "",
            older_than_days=data.get("age") or 0,
        )


class VersionedForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)


# The transition form's choice that keeps the state: a public update only (as
# FixMyStreet's staff updates), last so that the states keep their keys 1–6.
KEEP = "keep"


class TransitionForm(VersionedForm):
    """Move the report to one of the states its life cycle allows, with a public text, or
    keep its state and post the text alone (KEEP)."""

    status = forms.ChoiceField(label=_("New state"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Public update"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": DESCRIPTION_MAX_CHARS}),
        required=False,
        max_length=DESCRIPTION_MAX_CHARS,
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, _transition_label(report.status, status))
            for status in transitions_from(report.status)
            if status != Status.DUPLICATE
        ] + [(KEEP, _("keep “%s”: post the update only") % Status(report.status).label)]

    def clean(self):
        data = super().clean()
        if data.get("status") == KEEP and not (data.get("note") or "").strip():
            self.add_error("note", _("Write the update to post."))
        return data


def _transition_label(old: str, new: str) -> str:
    label = Status(new).label
    return _("reopen as “%s”") % label if is_reopening(old, new) else label


class DuplicateForm(VersionedForm):
    original = forms.CharField(label=_("Number of the original report"), max_length=20)
    note = forms.CharField(
        label=_("Public update"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class RedactForm(VersionedForm):
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DESCRIPTION_MAX_CHARS,
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)


INTAKE_CHANNELS = [
    (Channel.PHONE, _("phone call")),
    (Channel.VISIT, _("visit to the office")),
    (Channel.PAPER, _("letter")),
    (Channel.EMAIL, _("e-mail")),
    (Channel.WEB, _("web (entered for the resident)")),
]


class IntakeForm(forms.Form):
    """A report a staff member takes by phone, at the counter, from a letter or a mail."""

    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    channel = forms.ChoiceField(label=_("Received by"), choices=INTAKE_CHANNELS)
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESCRIPTION_MAX_CHARS}),
        max_length=DESCRIPTION_MAX_CHARS * 2,
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    photos = MultipleFileField(label=_("Photos (up to 3)"), required=False)
    name = forms.CharField(label=_("Resident's name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Resident's e-mail"), required=False)
    phone = forms.CharField(label=_("Resident's phone"), max_length=40, required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [(c.code, c.name) for c in categories]
