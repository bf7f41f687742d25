"""Chainable query pieces for streets and addresses."""

from django.db import models
from django.db.models import Case, F, Func, Value, When
from django.db.models.functions import Concat, Lower

from addresses.compute import FOLD_FROM, FOLD_TO, STREET_KINDS
from layers.querysets import SpatialQuerySet


def street_kind_abbreviation(field: str = "street__kind") -> Case:
    """SQL expression: the street kind's abbreviation ("вул.") from its code."""
    return Case(
        *[When(**{field: kind.code}, then=Value(kind.abbreviation)) for kind in STREET_KINDS],
        default=Value(""),
        output_field=models.CharField(),
    )


def fold_expression(field: str) -> Lower:
    """SQL expression: addresses.compute.fold of a text column (immutable, so indexable)."""
    translated = Func(
        F(field),
        Value(FOLD_FROM),
        Value(FOLD_TO),
        function="translate",
        output_field=models.CharField(),
    )
    return Lower(translated)


def fold_sql(column: str) -> str:
    """Raw SQL of fold_expression for `column` (the constants quoted as SQL literals)."""
    source, target = (text.replace("'", "''") for text in (FOLD_FROM, FOLD_TO))
    return f"lower(translate({column}, '{source}', '{target}'))"


def address_label_expression() -> Concat:
    """SQL expression: "Дмитрівка, вул. Шевченка, 12А", as addresses.compute.address_label."""
    return Concat(
        F("settlement__name_uk"),
        Value(", "),
        street_kind_abbreviation(),
        Value(" "),
        F("street__name"),
        Value(", "),
        F("house_number"),
        output_field=models.CharField(),
    )


class StreetQuerySet(SpatialQuerySet):
    geometry_field = "route"

    def bulk_create(self, objs, *args, **kwargs):
        """Create streets with their Latin search key filled (save() is not called)."""
        from addresses.searchkeys import latin_key

        objs = list(objs)
        for street in objs:
            street.search_latin = latin_key(street.name)
        return super().bulk_create(objs, *args, **kwargs)


class AddressQuerySet(SpatialQuerySet):
    geometry_field = "location"

    def active(self):
        return self.filter(status="active")

    def located(self):
        """Addresses that have a point."""
        return self.filter(location__isnull=False)

    def with_label(self):
        """Annotate `label`, the full display address."""
        return self.annotate(label=address_label_expression())
