"""Demo roadmaps of the demo municipality, built the way seed 000 (Новоузенский район) is built:
all eight directions with their tracks and function types, the standard steps generated and then
edited with the seed's own wording. An approved plan for the current academic year 2026/2027
(its measures assigned to the schools, and to the ДОУ for direction 2.4) and a draft for 2027/2028.

Idempotent: a roadmap is found by its owner, title and period and built only when missing.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from roadmaps import services
from roadmaps.cascade.demo import load_demo_regional
from roadmaps.catalogue import catalogue_load
from roadmaps.execution.demo import load_demo_execution
from roadmaps.models import Assignment, Direction, FunctionType, Measure, Roadmap, Section
from schools.models import Organization

AUTHORITY_CODE = "uo6401"
TITLE = (
    "План мероприятий по реализации адресных рекомендаций и аналитических материалов, утвержденных на заседании "
    "координационного совета при министерстве образования Саратовской области по вопросам качества общего "
    "образования, {year} год. Новоузенский муниципальный район"
)

# (direction, [track numbers, 1-based], function type) in the order of seed 000.
STRUCTURE = [
    ("1.1", [1], "regional_cycle"),
    ("1.1", [2], "regional_cycle"),
    ("1.1", [3], "municipal_analysis"),
    ("1.2", [1], "municipal_analysis"),
    ("1.2", [2], "municipal_analysis"),
    ("1.2", [3], "municipal_analysis"),
    ("1.3", [1], "full_cycle"),
    ("1.3", [2], "regional_cycle"),
    ("1.4", [1, 2], "full_cycle"),  # seed 000: one block covers both tracks of direction 4
    ("2.1", [1], "municipal_analysis"),
    ("2.1", [2], "municipal_analysis"),
    ("2.2", [1], "regional_cycle"),
    ("2.2", [2], "full_cycle"),
    ("2.2", [3], "regional_cycle"),
    ("2.3", [1], "full_cycle"),
    ("2.3", [2], "full_cycle"),
    ("2.4", [1], "regional_cycle"),
]

# Per cycle stage: the "перечень действий" and the expected result as seed 000 words them.
STAGE_TEXTS = {
    "recommendations": (
        [
            "Проведено совещание с руководителями ОО",
            "Доведена информация (анализ, адресные рекомендации)",
            "Материалы размещены на сайте управления образования",
            "Получена обратная связь по содержанию муниципального плана мер/мероприятий",
        ],
        "Протокол совещания. Приказ об утверждении плана мер/мероприятий, управленческих решений, направленных на "
        "совершенствование управленческих механизмов",
    ),
    "goals": (
        [
            "Проведено совещание, обеспечено информирование о региональных концептуальных документах",
            "Рассмотрены изменения в муниципальные концептуальные документы",
        ],
        "Протокол совещания. Приказ об утверждении муниципальной Концепции",
    ),
    "indicators": (
        ["Скорректирован перечень показателей и источники данных", "Утверждены сроки сбора данных и ответственные"],
        "Приказ об утверждении системы показателей и схемы мониторинга",
    ),
    "measures": (
        ["Проведены мероприятия по треку", "Подготовлены справки и протоколы по итогам мероприятий"],
        "Приказы. Справки, протоколы по итогам",
    ),
    "monitoring": (
        [
            "Информация по показателям мониторинга размещена на сайтах ОО",
            "Данные внесены в информационные системы МИАС, КОЭРСО",
        ],
        "Приказ. Справка по итогам мониторинга сайтов ОО",
    ),
    "analysis": (
        [
            "Подготовлен аналитический отчет с адресными рекомендациями",
            "Проведено зонирование ОО (красная, желтая, зеленая зоны)",
            "Рекомендации направлены в ОО",
        ],
        "Аналитический отчет. Письмо о направлении адресных рекомендаций в ОО",
    ),
    "effectiveness": (
        [
            "Подготовлен, размещен на сайте и направлен в ОО анализ эффективности принятых мер",
            "Проведено совещание с руководителями ОО",
        ],
        "Протокол совещания с руководителями ОО. Письмо о направлении аналитического материала в ОО",
    ),
}

# Edits of particular steps with the seed's wording: (section index, step index) → fields.
EDITS = {
    (0, 2): {
        "description": "Реализация мер/мероприятий, направленных на создание условий, обеспечивающих объективность "
        "образовательных результатов в соответствии с региональным комплексом мер в рамках конкретной оценочной "
        "процедуры (включая ВПР, ОГЭ, ЕГЭ, региональные оценочные процедуры):\n"
        "- утверждение списка общественных наблюдателей;\n- формирование муниципальной предметной комиссии;\n"
        "- перепроверка работ обучающихся ОО с признаками необъективности.",
        "deadline_text": "В соответствии с графиком проведения процедур ОКПО",
        "actions": [
            "Проведены мероприятия, направленные на обеспечение объективности ОКПО",
            "Утверждены список наблюдателей, экспертов по проверке",
        ],
    },
    (0, 4): {
        "deadline_text": "По окончании заключительного этапа ОКПО (получение результатов) и на основании данных "
        "регионального мониторинга"
    },
    (1, 2): {"deadline_text": "Сентябрь, ноябрь, март-апрель"},
    (3, 3): {
        "description": "Реализация муниципальной программы адресной поддержки школ с низкими образовательными "
        "результатами: методический десант, наставничество «школа — школа», консультации по предметам.",
        "deadline_text": "Сентябрь, ноябрь, март-апрель",
        "note": "Школы определяются по результатам зонирования",
    },
    (5, 3): {"deadline_text": "В течение учебного года"},
    (7, 2): {
        "description": "Организация участия обучающихся во всероссийской олимпиаде школьников (школьный и "
        "муниципальный этапы), конкурсах и проектах регионального центра выявления и поддержки одаренных детей.",
        "deadline_text": "Сентябрь, ноябрь",
    },
    (8, 2): {
        "target_text": "не менее 50% выпускников 9 классов выбирают профиль обучения осознанно",
        "target_comparator": "gte",
        "target_value": 50,
        "target_unit": "%",
    },
    (12, 2): {
        "target_text": "доля вакантных должностей педагогов: 0,337 тыс. чел. в 2026 г.; 0,466 в 2027 г.",
        "target_per_year": {"2026": "0.337", "2027": "0.466"},
    },
    (14, 2): {"deadline_text": "Август-сентябрь, в течение года", "qualifier": "совместно с ДМиС"},
    (16, 2): {"deadline_text": "Ноябрь, март-апрель"},
}

# Targets (issue 21 part 4) on the first step of a stage in a direction, worded as the seeds word them:
# a share the schools enter, a share from a monitoring indicator, a count and a document, so that
# the demo shows «достигнуто», «не достигнуто» and «нет данных».
TARGETS = {
    ("1.3", "measures"): {
        "target_text": "Не менее 50% детей участвуют в мероприятиях различных уровней",  # seed 002
        "target_comparator": "gte",
        "target_value": 50,
        "target_unit": "%",
    },
    ("2.2", "measures"): {
        "target_text": "Доля педагогов, прошедших диагностику профессиональных дефицитов (не менее 5% ежегодно)",
        "target_comparator": "gte",
        "target_value": 5,
        "target_unit": "%",
        "target_indicator_code": "teachers_diagnosed",  # seed 001; collected by the demo campaign
    },
    ("2.3", "measures"): {
        "target_text": "Не менее 2 мероприятий в год",
        "target_comparator": "gte",
        "target_value": 2,
        "target_unit": "мероприятий",
    },
    ("2.3", "monitoring"): {
        "target_text": "Наличие документа",  # seed 001
        "target_comparator": "present",
    },
}

# Assigned to the organisations: the steps that the schools carry out themselves.
ASSIGNED_STAGES = {"measures", "monitoring", "effectiveness"}


def _build(*, owner, by, year_start: int, status_note: str) -> Roadmap:
    roadmap = services.roadmap_create(
        owner=owner,
        by=by,
        title=TITLE.format(year=f"{year_start}/{year_start + 1}"),
        period_start=date(year_start, 8, 1),
        period_end=date(year_start + 1, 7, 31),
        basis_title="Адресные рекомендации и аналитические материалы координационного совета при министерстве "
        "образования Саратовской области по вопросам качества общего образования",
        basis_date=date(year_start, 7, 27),
        approver_position="Начальник управления образования администрации Новоузенского муниципального района",
        approver_name="Т.В. Разуваева",
    )
    directions = {d.code: d for d in Direction.objects.prefetch_related("tracks")}
    functions = {f.code: f for f in FunctionType.objects.all()}
    targeted = set()
    methodical = Organization.objects.filter(municipality=owner.municipality, code="mms6401").first()
    for index, (code, track_numbers, function_code) in enumerate(STRUCTURE):
        direction = directions[code]
        tracks = list(direction.tracks.order_by("order"))
        section = services.section_create(
            roadmap=roadmap,
            by=by,
            kind=Section.Kind.DIRECTION,
            direction=direction,
            tracks=[tracks[n - 1] for n in track_numbers if n <= len(tracks)],
            function_type=functions[function_code],
        )
        for step_index, measure in enumerate(services.section_generate_steps(section=section, by=by)):
            actions, result = STAGE_TEXTS.get(measure.stage.code, ([], ""))
            fields = {"actions": actions, "expected_result": result, **EDITS.get((index, step_index), {})}
            target = (code, measure.stage.code)
            if target in TARGETS and target not in targeted:
                targeted.add(target)
                fields.update(TARGETS[target])
            qualifier = fields.pop("qualifier", "")
            if qualifier or (code == "2.2" and step_index == 2 and methodical):
                executors = [
                    {"executor_kind": e.executor_kind, "organization": e.organization, "is_lead": e.is_lead}
                    for e in measure.executors.all()
                ]
                if methodical and code == "2.2":
                    executors.append({"organization": methodical, "is_lead": False})
                if qualifier:
                    executors[0]["qualifier"] = qualifier
                fields["executors"] = executors
            services.measure_update(measure=measure, by=by, lock_version=measure.lock_version, **fields)
    if status_note:
        heading = services.section_create(
            roadmap=roadmap, by=by, kind=Section.Kind.HEADING, heading="Мероприятия с педагогическими работниками"
        )
        services.measure_create(
            section=heading,
            by=by,
            description="Муниципальный семинар «Объективность оценивания: от ВПР к ОГЭ» для заместителей "
            "руководителей ОО по учебной работе",
            deadline_text="Октябрь",
            expected_result="Программа семинара, лист регистрации",
            note=status_note,
        )
    return roadmap


def _assign(roadmap: Roadmap, by) -> int:
    municipality = roadmap.owner.municipality
    schools = list(Organization.objects.filter(municipality=municipality).schools())
    preschools = list(Organization.objects.filter(municipality=municipality).preschools())
    before = Assignment.objects.filter(measure__section__roadmap=roadmap).count()
    measures = Measure.objects.filter(section__roadmap=roadmap, stage__code__in=ASSIGNED_STAGES).select_related(
        "section__direction"
    )
    for measure in measures:
        organizations = preschools if measure.section.direction.code == "2.4" else schools
        services.measure_assign(measure=measure, organizations=organizations, by=by)
    return Assignment.objects.filter(measure__section__roadmap=roadmap).count() - before


@transaction.atomic
def load_demo_roadmaps() -> dict[str, int]:
    owner = Organization.objects.filter(code=AUTHORITY_CODE).select_related("municipality").first()
    users = get_user_model().objects
    methodist, official = users.filter(username="methodist").first(), users.filter(username="official").first()
    if owner is None or methodist is None or official is None:
        return {}
    created = {"roadmaps": 0, "measures": 0, "assignments": 0}

    def existing(year_start):
        return Roadmap.objects.filter(
            owner=owner, title=TITLE.format(year=f"{year_start}/{year_start + 1}"), period_start=date(year_start, 8, 1)
        ).first()

    if existing(2026) is None:
        approved = _build(owner=owner, by=methodist, year_start=2026, status_note="")
        created["assignments"] += _assign(approved, methodist)
        services.roadmap_submit(roadmap=approved, by=methodist)
        services.roadmap_approve(roadmap=approved, by=official, order_number="412", order_date=date(2026, 8, 28))
        created["roadmaps"] += 1
        created["measures"] += Measure.objects.filter(section__roadmap=approved).count()
    if existing(2027) is None:
        draft = _build(
            owner=owner, by=methodist, year_start=2027, status_note="Новое мероприятие: предложение ММС на 2027/2028"
        )
        created["roadmaps"] += 1
        created["measures"] += Measure.objects.filter(section__roadmap=draft).count()
    return created


# What this app adds to `load_demo`, in order: the catalogue the roadmaps cite, the roadmaps, their
# execution, then the region's roadmap brought down to the municipalities as drafts (after the
# execution: the demo executes only the approved plans there are before it). The command runs the
# apps in INSTALLED_APPS order.
DEMO = [catalogue_load, load_demo_roadmaps, load_demo_execution, load_demo_regional]
