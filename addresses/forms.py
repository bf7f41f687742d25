"""Forms of the verification workbench: one per action, each carrying the version the
page showed (a stale one is refused by the service, nothing is written)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ActionForm(forms.Form):
    """The hidden version and the optional reason every action has."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=100, required=False)


class MoveForm(ActionForm):
    # Filled by the map (a drag of the point or a click); staff never type coordinates.
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    allow_outside = forms.BooleanField(
        label=_("The house really stands outside the village's boundary"), required=False
    )


class RenameForm(ActionForm):
    street = forms.TypedChoiceField(label=_("Street"), coerce=int)
    # Its examples are in the page (in Ukrainian: "корп." is what people type).
    house_number = forms.CharField(label=_("House number"), max_length=20)

    def __init__(self, *args, streets=(), **kwargs):
        super().__init__(*args, **kwargs)
        # (id, "вул. Шевченка") pairs of addresses.selectors.workbench.streets_of.
        self.fields["street"].choices = list(streets)


class RejectForm(ActionForm):
    reason = forms.CharField(
        label=_("Why is this address wrong?"),
        max_length=100,
        help_text=_("The address is retired: it stays in the register's history."),
    )


FORMS = {"confirm": ActionForm, "move": MoveForm, "rename": RenameForm, "reject": RejectForm}
