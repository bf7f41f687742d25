"""{% load reports_names %}: {{ settlement|local_name }}, {{ category|local_name }}."""

from django import template

from reports.models import Category
from reports.names import local_name as _local_name

register = template.Library()


@register.filter
def local_name(obj) -> str:
    """The name in the page language (a category is never transliterated)."""
    return _local_name(obj, transliterate=not isinstance(obj, Category))
