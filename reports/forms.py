"""HTML forms of the report pages; validation of substance lives in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.names import local_name, sorted_by_name
from reports.models import DESCRIPTION_MAX_CHARS, PHOTOS_MAX, Channel, Question, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the photo service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > PHOTOS_MAX:
            raise forms.ValidationError(_("At most %d photos.") % PHOTOS_MAX)
        return list(files)


class ReportForm(forms.Form):
    """The resident's form at /reports/new/ (the questions are added per category)."""

    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    category = forms.ChoiceField(label=_("What is the problem?"))
    description = forms.CharField(
        label=_("Describe it"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESCRIPTION_MAX_CHARS}),
        required=False,
        max_length=DESCRIPTION_MAX_CHARS * 2,  # the service gives the precise message
    )
    address = forms.CharField(
        label=_("Address or landmark (optional)"), max_length=300, required=False
    )
    photos = MultipleFileField(label=_("Photos (up to 3; JPEG, PNG, WebP)"), required=False)
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-mail (optional; for news about your report)"), required=False
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    show_name = forms.BooleanField(label=_("Show my name publicly"), required=False)
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.code, local_name(c)) for c in sorted_by_name(categories)
        ]


def answers_from_post(post, category) -> dict:
    """Collect the answers to `category`'s questions from fields named a-<category>-<code>."""
    answers = {}
    for question in category.questions.all():
        name = f"a-{category.code}-{question.code}"
        if question.datatype == Question.Datatype.MULTI:
            answers[question.code] = post.getlist(name)
        else:
            answers[question.code] = post.get(name, "")
    return answers


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    photos = MultipleFileField(label=_("Add photos"), required=False)


class FeedbackForm(forms.Form):
    fixed = forms.TypedChoiceField(
        choices=[("yes", _("Fixed")), ("no", _("Not fixed"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label=_("Is it fixed?"),
    )
    note = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000)


class SubscriptionForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    settlement = forms.ChoiceField(label=_("Village"), required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    radius_m = forms.IntegerField(
        label=_("Radius, m"), min_value=50, max_value=10000, initial=500, required=False
    )
    category = forms.ChoiceField(label=_("…or every new report of a category"), required=False)

    def __init__(self, *args, settlements=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (c.code, local_name(c)) for c in sorted_by_name(categories)
        ]
        self.fields["settlement"].choices = [("", "—")] + [
            (s.katottg, local_name(s)) for s in sorted_by_name(settlements)
        ]


class StatusForm(forms.Form):
    """Admin action form: a new status with a public note."""

    status = forms.ChoiceField(
        label=_("New status"), choices=[c for c in Status.choices if c[0] != Status.DUPLICATE]
    )
    note = forms.CharField(label=_("Public note"), widget=forms.Textarea, required=False)


class DuplicateForm(forms.Form):
    """Admin action form: the original report's number."""

    original = forms.CharField(label=_("Number of the original report"), max_length=20)
    note = forms.CharField(label=_("Public note"), widget=forms.Textarea, required=False)


STAFF_CHANNEL_CHOICES = [
    (Channel.PHONE, Channel.PHONE.label),
    (Channel.VISIT, Channel.VISIT.label),
    (Channel.PAPER, Channel.PAPER.label),
]


class OnBehalfForm(forms.Form):
    """Admin form: a staff member files a report for a resident who phoned or came in."""

    channel = forms.ChoiceField(label=_("Received by"), choices=STAFF_CHANNEL_CHOICES)
    category = forms.ChoiceField(label=_("Category"))
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    answers = forms.JSONField(
        label=_("Answers (JSON)"), required=False, initial=dict, help_text='{"code": "value"}'
    )
    name = forms.CharField(label=_("Resident's name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Resident's e-mail"), required=False)
    phone = forms.CharField(label=_("Resident's phone"), max_length=40, required=False)
    photos = MultipleFileField(label=_("Photos"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.code, local_name(c)) for c in sorted_by_name(categories)
        ]
