"""The print form of /maps/print/: paper, orientation, extent, layers, title."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.names import local_name, sorted_by_name
from layers.models import Settlement
from maps.printing.options import (
    PAPERS_MM,
    TITLE_MAX_CHARS,
    Extent,
    PrintError,
    PrintOptions,
    parse_bbox,
)
from maps.printing.sheet import default_layers, print_layers


class PrintForm(forms.Form):
    """Options of one printed map; the layers offered are those the user may see."""

    paper = forms.ChoiceField(
        label=_("Paper"),
        choices=[(paper, paper) for paper in PAPERS_MM],
        error_messages={
            "invalid_choice": _("The printer takes A4 and A3 paper; %(value)s is not one of them.")
        },
    )
    orientation = forms.ChoiceField(
        label=_("Orientation"),
        choices=[
            ("auto", _("automatic (from the sheet's shape)")),
            ("portrait", _("portrait")),
            ("landscape", _("landscape")),
        ],
    )
    extent = forms.ChoiceField(
        label=_("Sheet"),
        choices=[
            ("village", _("one village")),
            ("territory", _("the whole community")),
            ("bbox", _("an area drawn on the map")),
        ],
        widget=forms.RadioSelect,
    )
    village = forms.ChoiceField(
        label=_("Village"),
        required=False,
        error_messages={"invalid_choice": _("There is no village %(value)s in the community.")},
    )
    bbox = forms.CharField(
        label=_("Drawn area"),
        required=False,
        help_text=_("Drawn on the map; or west,south,east,north in degrees (EPSG:4326)."),
    )
    layers = forms.MultipleChoiceField(
        label=_("Layers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("There is no layer %(value)s to print.")},
    )
    title = forms.CharField(label=_("Title"), required=False, max_length=TITLE_MAX_CHARS)
    subtitle = forms.CharField(label=_("Subtitle"), required=False, max_length=2 * TITLE_MAX_CHARS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["layers"].choices = [(s.id, s.title()) for s in print_layers(user)]
        self.fields["village"].choices = [("", "—")] + [
            (s["katottg"], local_name(s))
            for s in sorted_by_name(Settlement.objects.values("katottg", "name_uk", "name_en"))
        ]
        self.initial.setdefault("layers", list(default_layers(user)))
        self.initial.setdefault("paper", "A4")
        self.initial.setdefault("orientation", "auto")
        self.initial.setdefault("extent", "territory")

    def _extent(self, data) -> Extent:
        kind = data.get("extent")
        if kind == "village":
            if not data.get("village"):
                raise forms.ValidationError({"village": _("Choose the village to print.")})
            return Extent(kind="village", village=data["village"])
        if kind == "bbox":
            try:
                return Extent(kind="bbox", bbox=parse_bbox(data.get("bbox", "")))
            except PrintError as exc:
                raise forms.ValidationError({"bbox": exc.message}) from None
        return Extent()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["options"] = PrintOptions(
            paper=data["paper"],
            orientation=data["orientation"],
            extent=self._extent(data),
            layers=tuple(data["layers"]),
            title=data["title"],
            subtitle=data["subtitle"],
        )
        return data
