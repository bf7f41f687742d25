"""The reads of filing one report, in one SQL statement, and its category cached per process.

A report needs, before its INSERT: whether the point lies in the territory, its village,
the nearest address of the register, the category's identity and version, and how many
reports its rate limit has counted. Asked one by one that was six round trips and six ORM
compilations per report (most of the CPU of an Open311 POST); here it is one statement.
The category with its questions changes a few times a year, so each process keeps it and
re-reads it only when the statement shows another (version, updated_at).

Kept beside its one caller (services/filing.py) rather than in reports/selectors.py: it
serves only the write path.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from addresses.selectors import REVERSE_MAX_M
from core.ratelimit import TABLE as COUNTER_TABLE
from reports import compute
from reports.models import Category, Question

# The metric point is made only for a point inside a territory (a point outside is refused
# anyway): far from the metric CRS's zone (lon 118°, lat 0°) PostGIS cannot project it
# ("Point outside of projection domain", a 500). `OFFSET 0` keeps the point a row value
# (a subquery with OFFSET is never pulled up), not a constant the planner would fold into
# ST_Transform before the CASE is looked at; the MATERIALIZED CTE computes the point's
# facts once (the territory test, the transform), not once per subquery that uses them.
# COALESCE evaluates its second argument only when the first is NULL: the nearest village
# within LOCATE_NEAREST_MAX_M is looked for only for a point outside every village. The
# nearest address is the register's KNN on its metric expression index (the same as
# addresses.selectors.reverse, id only: the Feature JSON is not needed here).
_FACTS_SQL = """
WITH p AS MATERIALIZED (
  SELECT q.g AS geom, q.inside,
         CASE WHEN q.inside THEN ST_Transform(q.g, {srid}) END AS metric
  FROM (SELECT point.g, EXISTS (SELECT 1 FROM layers_territory t
                                WHERE ST_Intersects(t.boundary, point.g)) AS inside
        FROM (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g
              OFFSET 0) point) q
)
SELECT
  p.inside,
  COALESCE(
    (SELECT s.id FROM layers_settlement s WHERE ST_Intersects(s.boundary, p.geom)
      ORDER BY s.name_uk, s.id LIMIT 1),
    (SELECT s.id FROM layers_settlement s
      WHERE ST_DWithin(ST_Transform(COALESCE(s.boundary, s.centre), {srid}), p.metric,
                       %(village_m)s)
      ORDER BY ST_Distance(ST_Transform(COALESCE(s.boundary, s.centre), {srid}), p.metric),
               s.id
      LIMIT 1)),
  (SELECT a.id FROM addresses_address a
    WHERE a.status = 'active' AND a.location IS NOT NULL
      AND ST_DWithin(ST_Transform(a.location, {srid}), p.metric, %(address_m)s)
    ORDER BY ST_Transform(a.location, {srid}) <-> p.metric LIMIT 1),
  c.id, c.version, c.updated_at,
  (SELECT k.count FROM {counters} k WHERE k.key = %(counter)s AND k.expires_at > %(now)s)
FROM p
LEFT JOIN reports_category c ON c.code = %(code)s AND c.is_active
"""


@dataclass(frozen=True)
class IntakeFacts:
    """What the database says about a report about to be filed.

    `in_territory`: the point (EPSG:4326) lies in some territory; `settlement_id`: the
    village containing it, else the nearest within LOCATE_NEAREST_MAX_M metres (EPSG
    METRIC_SRID), else None; `nearest_address_id`: the nearest active address within
    REVERSE_MAX_M metres, else None; `category_key`: (id, version, updated_at) of the
    active category with the code, else None; `counted`: the rate limit's count in its
    current window (0 without a limit or a counter).
    """

    in_territory: bool
    settlement_id: int | None
    nearest_address_id: int | None
    category_key: tuple[int, int, datetime] | None
    counted: int


def intake_facts(
    *, category_code: str, lat: float, lon: float, counter_key: str = ""
) -> IntakeFacts:
    """Read the IntakeFacts of a report at (lat, lon), EPSG:4326 degrees, in one statement."""
    srid = int(settings.METRIC_SRID)
    sql = _FACTS_SQL.format(srid=srid, counters=COUNTER_TABLE)
    params = {
        "lat": float(lat),
        "lon": float(lon),
        "village_m": float(settings.LOCATE_NEAREST_MAX_M),
        "address_m": float(REVERSE_MAX_M),
        "code": category_code,
        "counter": counter_key,
        "now": timezone.now(),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inside, settlement_id, address_id, cat_id, version, updated_at, counted = cursor.fetchone()
    return IntakeFacts(
        in_territory=inside,
        settlement_id=settlement_id,
        nearest_address_id=address_id,
        category_key=(cat_id, version, updated_at) if cat_id is not None else None,
        counted=counted or 0,
    )


# ------------------------------------------------------------------ the category cache
@dataclass(frozen=True)
class CachedCategory:
    """An active category and its questions as answers_clean reads them."""

    category: Category
    questions: tuple[compute.QuestionSpec, ...]


# code → (category_key, CachedCategory); one per process, a few dozen entries at most.
_categories: dict[str, tuple[tuple, CachedCategory]] = {}


def category_cached(code: str, key: tuple[int, int, datetime]) -> CachedCategory:
    """Return the category `code` with its questions, read again only when `key` — its
    (id, version, updated_at) as intake_facts found it — differs from the kept one.

    Every save of the category raises its version; a question's save or delete moves
    the category's updated_at (`_question_changed`), so an edit is seen by the next
    report of every process.
    """
    kept = _categories.get(code)
    if kept is not None and kept[0] == key:
        return kept[1]
    category = Category.objects.get(pk=key[0])
    questions = tuple(
        compute.QuestionSpec(
            code=question.code,
            datatype=question.datatype,
            required=question.required,
            choice_keys=tuple(question.choice_keys),
            label=question.text_uk,
            label_en=question.text_en,
        )
        for question in category.questions.all()
    )
    entry = CachedCategory(category=category, questions=questions)
    # Keyed by what was read, not by `key`: a save between the two reads is seen next time.
    _categories[code] = ((category.pk, category.version, category.updated_at), entry)
    return entry


def categories_forget() -> None:
    """Empty this process's category cache (tests)."""
    _categories.clear()


def _question_changed(sender, instance, **kwargs) -> None:
    # updated_at, not version: raising the version would make the admin's own form of the
    # category (saved just before its inline questions) a stale edit.
    Category.objects.filter(pk=instance.category_id).update(updated_at=timezone.now())


def connect_signals() -> None:
    """Move a category's updated_at on every save or delete of one of its questions."""
    post_save.connect(_question_changed, sender=Question, dispatch_uid="reports.question.save")
    post_delete.connect(_question_changed, sender=Question, dispatch_uid="reports.question.delete")
