"""Demo data: report categories that fit a village and a few dozen reports across villages.

Registered with `layers.demo` in ReportsConfig.ready() (order 30, after the villages).
Idempotent: categories are matched by code; reports are made once (marked is_demo).
Positions are deterministic offsets from each settlement's centre, kept inside the
territory; they are illustrative, not real incidents.
"""

import math
import random
from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone

from layers.models import Settlement, Territory
from reports import services
from reports.models import Category, Question, Report, Status, Update

CATEGORIES = [
    {
        "code": "roads",
        "name_uk": "Дороги",
        "name_en": "Roads",
        "group": "Інфраструктура",
        "keywords": "яма, вибоїна, дорога, тротуар, міст",
        "description": "Ями, вибоїни, зруйноване покриття, небезпечні ділянки доріг і тротуарів.",
        "description_en": "Potholes, broken surface, dangerous stretches of road and pavement.",
        "questions": [
            {
                "code": "surface",
                "text_uk": "Покриття",
                "text_en": "Surface",
                "datatype": "singlevaluelist",
                "choices": [
                    {"key": "asphalt", "name": "асфальт", "name_en": "asphalt"},
                    {"key": "gravel", "name": "щебінь", "name_en": "gravel"},
                    {"key": "dirt", "name": "ґрунт", "name_en": "dirt road"},
                ],
            },
            {
                "code": "size",
                "text_uk": "Розмір пошкодження",
                "text_en": "Size of the damage",
                "datatype": "singlevaluelist",
                "choices": [
                    {"key": "small", "name": "невелика яма", "name_en": "small pothole"},
                    {"key": "large", "name": "велика яма", "name_en": "large pothole"},
                    {
                        "key": "section",
                        "name": "зруйнована ділянка",
                        "name_en": "destroyed section",
                    },
                ],
            },
        ],
    },
    {
        "code": "street_lighting",
        "name_uk": "Вуличне освітлення",
        "name_en": "Street lighting",
        "group": "Інфраструктура",
        "keywords": "ліхтар, світло, опора, освітлення",
        "description": "Не світить ліхтар, світить удень, пошкоджена опора.",
        "description_en": "A street light that is out or on by day, a damaged pole.",
        "questions": [
            {
                "code": "pole",
                "text_uk": "Номер опори (якщо видно)",
                "text_en": "Pole number (if visible)",
                "datatype": "string",
            },
            {
                "code": "lamps_out",
                "text_uk": "Скільки ліхтарів не світить",
                "text_en": "How many lamps are out",
                "datatype": "number",
            },
        ],
    },
    {
        "code": "waste",
        "name_uk": "Сміття",
        "name_en": "Waste",
        "group": "Благоустрій",
        "keywords": "сміття, звалище, контейнер, вивіз",
        "description": "Стихійні звалища, переповнені контейнери, невивезене сміття.",
        "description_en": "Illegal dumps, overflowing containers, rubbish not collected.",
        "questions": [
            {
                "code": "kind",
                "text_uk": "Що саме",
                "text_en": "What exactly",
                "datatype": "singlevaluelist",
                "required": True,
                "choices": [
                    {"key": "dump", "name": "стихійне звалище", "name_en": "illegal dump"},
                    {
                        "key": "container",
                        "name": "переповнений контейнер",
                        "name_en": "overflowing container",
                    },
                    {"key": "other", "name": "інше", "name_en": "other"},
                ],
            },
        ],
    },
    {
        "code": "water",
        "name_uk": "Водопостачання",
        "name_en": "Water supply",
        "group": "Комунальні послуги",
        "keywords": "вода, колодязь, водогін, труба, прорив",
        "description": "Немає води, прорив водогону, низький тиск, пошкоджений колодязь.",
        "description_en": "No water, a burst main, low pressure, a damaged well.",
        "questions": [
            {
                "code": "kind",
                "text_uk": "Що сталося",
                "text_en": "What happened",
                "datatype": "singlevaluelist",
                "required": True,
                "choices": [
                    {"key": "no_water", "name": "немає води", "name_en": "no water"},
                    {"key": "leak", "name": "прорив труби", "name_en": "burst pipe"},
                    {"key": "pressure", "name": "низький тиск", "name_en": "low pressure"},
                    {"key": "well", "name": "пошкоджений колодязь", "name_en": "damaged well"},
                ],
            },
            {
                "code": "since",
                "text_uk": "Відколи",
                "text_en": "Since when",
                "datatype": "datetime",
            },
        ],
    },
    {
        "code": "no_signal",
        "name_uk": "Немає інтернету / зв'язку",
        "name_en": "No internet / mobile signal",
        "group": "Зв'язок",
        "keywords": "інтернет, зв'язок, мобільний, покриття, сигнал, wi-fi",
        "description": "Тут немає мобільного зв'язку чи інтернету або він дуже слабкий.",
        "description_en": "No mobile signal or internet here, or a very weak one.",
        "is_coverage_complaint": True,
        "questions": [
            {
                "code": "service",
                "text_uk": "Чого немає",
                "text_en": "What is missing",
                "datatype": "multivaluelist",
                "required": True,
                "choices": [
                    {
                        "key": "voice",
                        "name": "мобільного зв'язку (дзвінки)",
                        "name_en": "mobile calls",
                    },
                    {
                        "key": "mobile_data",
                        "name": "мобільного інтернету",
                        "name_en": "mobile internet",
                    },
                    {"key": "fixed", "name": "домашнього інтернету", "name_en": "home internet"},
                ],
            },
            {
                "code": "operator",
                "text_uk": "Оператор",
                "text_en": "Operator",
                "datatype": "singlevaluelist",
                "choices": [
                    {"key": "kyivstar", "name": "Київстар", "name_en": "Kyivstar"},
                    {"key": "vodafone", "name": "Vodafone", "name_en": "Vodafone"},
                    {"key": "lifecell", "name": "lifecell", "name_en": "lifecell"},
                    {"key": "other", "name": "інший", "name_en": "other"},
                ],
            },
        ],
    },
    {
        "code": "other",
        "name_uk": "Інше",
        "name_en": "Other",
        "group": "Інше",
        "keywords": "інше",
        "description": "Проблема, що не підходить до інших категорій "
        "(публікується після перевірки).",
        "description_en": "A problem that fits no other category (published after a check).",
        "moderate_first": True,
        "questions": [],
    },
]

DESCRIPTIONS = {
    "roads": [
        "Велика яма посеред дороги, машини об'їжджають зустрічною смугою.",
        "Після дощів розмило узбіччя, небезпечно ходити з дітьми.",
        "Вибоїни біля зупинки, взимку там стоїть вода і лід.",
    ],
    "street_lighting": [
        "Третій тиждень не світить ліхтар біля школи.",
        "Ліхтарі на вулиці світять удень і гаснуть увечері.",
        "Нахилилася опора освітлення після вітру.",
    ],
    "waste": [
        "Стихійне звалище за ставком, сміття розносить вітер.",
        "Контейнер біля магазину переповнений уже тиждень.",
        "Біля кладовища вивалили будівельне сміття.",
    ],
    "water": [
        "Другий день немає води на вулиці.",
        "Тече труба біля колонки, утворилася калюжа.",
        "Громадський колодязь без кришки, небезпечно.",
    ],
    "no_signal": [
        "У центрі села зникає мобільний інтернет, не можна зателефонувати.",
        "Вдома немає жодного оператора, ловить тільки на горищі.",
        "У клубі й біля нього немає інтернету, не працює Wi-Fi.",
    ],
    "other": [
        "Зламана лавка на зупинці.",
        "Бродячі собаки біля школи вранці.",
        "Упав паркан біля старої ферми на тротуар.",
    ],
}

ANSWERS = {
    "roads": {"surface": "asphalt", "size": "large"},
    "street_lighting": {"lamps_out": "2"},
    "waste": {"kind": "dump"},
    "water": {"kind": "no_water"},
    "no_signal": {"service": ["mobile_data"], "operator": "kyivstar"},
    "other": {},
}

# (status, public note) cycled over the reports.
STATUSES = [
    (Status.NEW, ""),
    (Status.ACKNOWLEDGED, "Звернення зареєстровано, передано відповідальному старості."),
    (Status.IN_PROGRESS, "Бригада виїде цього тижня."),
    (Status.FIXED, "Виконано. Дякуємо за звернення!"),
    (Status.NEW, ""),
    (Status.CLOSED_NOT_FIXED, "Потрібні кошти; включено до плану робіт на наступний рік."),
    (Status.NOT_RESPONSIBLE, "Ділянка належить обласній службі доріг; звернення переслано їм."),
    (Status.ACKNOWLEDGED, "Прийнято до розгляду."),
]
REPORTS_COUNT = 36


def load(log) -> None:
    """Create or update the demo categories, then the demo reports once."""
    categories = [_category_upsert(spec) for spec in CATEGORIES]
    log(f"categories: {len(categories)}")
    if Report.objects.filter(is_demo=True).exists():
        log(f"reports: {Report.objects.filter(is_demo=True).count()} already loaded")
        return
    settlements = list(Settlement.objects.order_by("katottg"))
    if not settlements or not Territory.objects.exists():
        log("reports: no territory or settlements yet; load the layers demo first")
        return
    made = _reports_make(categories, settlements)
    log(f"reports: {made} created across {len(settlements)} settlements")


def _category_upsert(spec: dict) -> Category:
    spec = dict(spec)
    questions = spec.pop("questions")
    category, _ = Category.objects.update_or_create(code=spec.pop("code"), defaults=spec)
    for order, question in enumerate(questions, start=1):
        question = dict(question)
        Question.objects.update_or_create(
            category=category,
            code=question.pop("code"),
            defaults={"order": order, "required": False, "choices": [], **question},
        )
    return category


def _reports_make(categories: list[Category], settlements: list[Settlement]) -> int:
    rng = random.Random(20240611)  # noqa: S311 — a fixed seed: the same demo every time
    now = timezone.now()
    made = 0
    for index in range(REPORTS_COUNT):
        settlement = settlements[index % len(settlements)]
        category = categories[index % len(categories)]
        point = _place_near(settlement, rng)
        if point is None:
            continue
        report = _report_make(category, point, index)
        _report_history(report, index, created=now - timedelta(days=3 + index * 3, hours=index))
        made += 1
    return made


def _place_near(settlement: Settlement, rng: random.Random):
    """A point 50–600 m from the settlement's centre inside the territory, or None."""
    for _attempt in range(10):
        distance_m = rng.uniform(50, 600)
        bearing = rng.uniform(0, 2 * math.pi)
        lat = settlement.centre.y + distance_m * math.cos(bearing) / 111_320
        lon = settlement.centre.x + distance_m * math.sin(bearing) / (
            111_320 * math.cos(math.radians(settlement.centre.y))
        )
        point = Point(round(lon, 6), round(lat, 6), srid=4326)
        if Territory.objects.filter(boundary__intersects=point).exists():
            return point
    return None


def _report_make(category: Category, point, index: int) -> Report:
    texts = DESCRIPTIONS[category.code]
    report = services.report_create(
        category_code=category.code,
        lat=point.y,
        lon=point.x,
        description=texts[(index // len(CATEGORIES)) % len(texts)],
        answers=ANSWERS[category.code],
    )
    report.is_demo = True
    report.supporters_count = index % 5
    report.is_approved = True
    report.save(update_fields=["is_demo", "supporters_count", "is_approved"])
    return report


def _report_history(report: Report, index: int, *, created) -> None:
    status, note = STATUSES[index % len(STATUSES)]
    if status != Status.NEW:
        services.report_status_change(report=report, status=status, note=note)
    Report.objects.filter(pk=report.pk).update(created_at=created, updated_at=created)
    for step, update in enumerate(report.updates.order_by("id")):
        Update.objects.filter(pk=update.pk).update(created_at=created + timedelta(days=step))
