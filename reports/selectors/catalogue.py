"""The categories a report is filed in, and the subscriptions a new report notifies."""

from django.db.models import BooleanField, Prefetch, Q
from django.db.models.expressions import RawSQL

from reports.models import Category, Question, Report, Subscription


def categories_active():
    """Active categories with their questions, in display order."""
    return Category.objects.filter(is_active=True).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "code"))
    )


def category_dict(category: Category) -> dict:
    return {
        "code": category.code,
        "name_uk": category.name_uk,
        "name_en": category.name_en,
        "description": category.description,
        "description_en": category.description_en,
        "group": category.group,
        "moderate_first": category.moderate_first,
        "is_coverage_complaint": category.is_coverage_complaint,
        "questions": [
            {
                "code": question.code,
                "text_uk": question.text_uk,
                "text_en": question.text_en,
                "hint": question.hint,
                "datatype": question.datatype,
                "required": question.required,
                "choices": question.choices,
            }
            for question in category.questions.all()
        ],
    }


def subscriptions_for_report(report: Report):
    """Confirmed subscriptions whose village or circle covers the report's location, or
    whose category is the report's."""
    within = RawSQL(
        "ST_DWithin(centre::geography, ST_GeomFromEWKT(%s)::geography, radius_m)",
        (report.location.ewkt,),
        output_field=BooleanField(),
    )
    by_area = Q(centre__isnull=False) & Q(_within=True)
    by_village = Q(settlement_id=report.settlement_id) if report.settlement_id else Q(pk=None)
    by_category = Q(category_id=report.category_id)
    return (
        Subscription.objects.filter(is_confirmed=True)
        .annotate(_within=within)
        .filter(by_village | by_area | by_category)
        .distinct()
    )
