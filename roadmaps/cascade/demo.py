"""The demo region's roadmap: seed 003's first direction («Система оценки качества подготовки
обучающихся»), a handful of its lines with their three levels, for 2026–2027, approved by the
ministry and brought down to the demo municipalities. Each municipality's plan stays a draft: its
methodists complete and approve it (the demo's `methodist` and `official` do it for Новоузенский).

Idempotent: the roadmap is found by its owner and title; publishing again skips every municipality
that has its plan.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from roadmaps import services
from roadmaps.cascade.services import roadmap_cascade
from roadmaps.models import Direction, Roadmap, Section
from schools.models import Organization

MINISTRY_CODE = "min64"
TITLE = (
    "Дорожная карта по развитию региональной системы оценки качества образования и региональных механизмов "
    "управления качеством образования в Саратовской области (по уровням управления системой образования)"
)
DIRECTION = "Система оценки качества подготовки обучающихся"
# (year, regional level, municipal level, school level) — seed 003, its region's name made ours.
LINES = [
    (
        "2026",
        "Формирование банка контрольных измерительных материалов для оценки предметных и метапредметных "
        "результатов обучающихся в соответствии с требованиями ФГОС общего образования",
        "-",
        "-",
    ),
    (
        "2026",
        "Определение регионального перечня оценочных процедур и стандарты (технические, технологические, "
        "процедурные) их проведения",
        "Определение муниципального перечня оценочных процедур и стандарты (технические, технологические, "
        "процедурные) их проведения",
        "Определение школьного перечня оценочных процедур и стандарты (технические, технологические, "
        "процедурные) их проведения",
    ),
    (
        "2026",
        "Участие образовательных учреждений Саратовской области во Всероссийских проверочных работах в штатном "
        "режиме (обязательное участие)",
        "Организация участия образовательных учреждений Саратовской области во Всероссийских проверочных работах "
        "в штатном режиме (обязательное участие)",
        "Участие образовательных учреждений Саратовской области во Всероссийских проверочных работах",
    ),
    (
        "2027",
        "Проведение мониторинга достижения показателей оценки качества подготовки обучающихся (по базовой "
        "подготовке, по подготовке высокого уровня, по индивидуализации обучения)",
        "Проведение мониторинга достижения показателей оценки качества подготовки обучающихся на уровне муниципалитета",
        "Участие в мониторинге достижения показателей оценки качества подготовки обучающихся",
    ),
    (
        "2027",
        "Подготовка адресных рекомендаций, в том числе для принятия управленческих решений, по результатам "
        "комплексного анализа по нескольким процедурам оценки качества образования",
        "Принятие управленческих решений по результатам комплексного анализа по нескольким процедурам оценки "
        "качества образования на основе кластерного подхода",
        "Принятие управленческих решений по результатам комплексного анализа по нескольким процедурам оценки "
        "качества образования",
    ),
    (
        "2027",
        "Создание банка валидной образовательной статистики. Обеспечение доступа к нему различных категорий "
        "пользователей (ОО, МОУО, вузы, родители, обучающиеся)",
        "-",
        "-",
    ),
]


def _build(ministry: Organization, by, official) -> Roadmap:
    roadmap = services.roadmap_create(
        owner=ministry,
        by=by,
        title=TITLE,
        code="1.1",
        level=Roadmap.Level.REGIONAL,
        period_kind=Roadmap.PeriodKind.CALENDAR,
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        approver_position="Заместитель министра образования Саратовской области",
        approver_name="А.П. Соколов",
    )
    direction = Direction.objects.filter(code="1.1").first()
    if direction is not None:
        section = services.section_create(roadmap=roadmap, by=by, kind=Section.Kind.DIRECTION, direction=direction)
    else:
        section = services.section_create(roadmap=roadmap, by=by, kind=Section.Kind.HEADING, heading=DIRECTION)
    services.measures_build(
        roadmap=roadmap,
        by=by,
        specs=[
            services.MeasureSpec(
                section=section,
                description=regional,
                deadline_text=year,
                fields={"municipal_text": municipal, "school_text": school},
            )
            for year, regional, municipal, school in LINES
        ],
    )
    services.roadmap_submit(roadmap=roadmap, by=by)
    return services.roadmap_approve(
        roadmap=roadmap, by=official, order_number="01-10/215", order_date=date(2026, 1, 15)
    )


@transaction.atomic
def load_demo_regional() -> dict[str, int]:
    ministry = Organization.objects.filter(code=MINISTRY_CODE, municipality=None).first()
    users = get_user_model().objects
    methodist, official = (
        users.filter(username="region_methodist").first(),
        users.filter(username="region_official").first(),
    )
    if ministry is None or not ministry.region or methodist is None or official is None:
        return {}
    created = {"regional_roadmaps": 0, "cascaded": 0, "measures": 0}
    roadmap = Roadmap.objects.filter(owner=ministry, title=TITLE).order_by("-version").first()
    if roadmap is None:
        roadmap = _build(ministry, methodist, official)
        created["regional_roadmaps"] += 1
    if roadmap.status == Roadmap.Status.APPROVED:
        result = roadmap_cascade(roadmap=roadmap, by=methodist)
        created["cascaded"], created["measures"] = len(result.created), result.measures
    return created
