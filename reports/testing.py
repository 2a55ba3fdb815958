"""Small factories for the reports tests and the benchmark: roadmaps built with the ORM directly (the editor's
services belong to another issue), with sections, measures and executors."""

import io
from datetime import date

from pypdf import PdfReader

from roadmaps.models import (
    Direction,
    EvidenceKind,
    ExecutorKind,
    Measure,
    MeasureExecutor,
    Order,
    OrderRoadmap,
    Roadmap,
    Section,
)
from roadmaps.services import ORDER_TITLE

LONG_DESCRIPTION = (
    "Проведение совещания для руководителей общеобразовательных организаций по итогам проведения "
    "всероссийских проверочных работ (далее ВПР), ГИА, муниципальных диагностических работ; обсуждение "
    "регионального анализа результатов мониторинга и адресных рекомендаций, разработка плана муниципальных "
    "мер с учетом муниципальных особенностей и проблем, выявленных в рамках регионального управленческого цикла"
)


PUBLISHED = (Roadmap.Status.APPROVED, Roadmap.Status.ARCHIVED)


def signed_order(*, organization, number: str = "158", date: date = date(2022, 8, 27), title: str = ORDER_TITLE):
    """A signed order of `organization`, as the approval of a roadmap or a zoning method needs one."""
    return Order.objects.create(
        organization=organization,
        number=number,
        date=date,
        title=title,
        status=Order.Status.SIGNED,
        signatory_position="Начальник управления образования",
        signatory_name="Т.В. Разуваева",
    )


def create_roadmap(*, order_number: str = "158", order_date: date = date(2022, 8, 27), **fields) -> Roadmap:
    """`Roadmap.objects.create` for tests and the benchmark. An approved or archived roadmap gets the
    signed order that approved it (the database requires one), with the roadmap as its appendix."""
    if fields.get("status") in PUBLISHED and "approval_order" not in fields:
        fields["approval_order"] = signed_order(organization=fields["owner"], number=order_number, date=order_date)
    roadmap = Roadmap.objects.create(**fields)
    if roadmap.approval_order_id:
        OrderRoadmap.objects.get_or_create(
            order_id=roadmap.approval_order_id, roadmap=roadmap, defaults={"appendix_number": 1}
        )
    return roadmap


def build_roadmap(
    owner,
    *,
    sections: int = 2,
    measures: int = 3,
    status=Roadmap.Status.APPROVED,
    stamp=Roadmap.Stamp.APPROVAL,
    code="1.1",
    title="по развитию муниципальной системы оценки качества подготовки обучающихся",
    long=False,
    numbered=True,
    with_direction=False,
) -> Roadmap:
    roadmap = create_roadmap(
        owner=owner,
        code=code,
        title=title,
        period_start=date(2022, 9, 1),
        period_end=date(2023, 8, 31),
        approver_position="Начальник управления образования\nадминистрации Новоузенского\nмуниципального района",
        approver_name="Т.В. Разуваева",
        stamp=stamp,
        appendix_number="1",
        status=status,
        order_number="158",
        order_date=date(2022, 8, 27),
    )
    kind_authority = ExecutorKind.objects.order_by("order").first()
    evidence = list(EvidenceKind.objects.order_by("order")[:2])
    for s in range(1, sections + 1):
        if with_direction and s == 1:
            direction = Direction.objects.get(code="1.1")
            section = Section.objects.create(roadmap=roadmap, order=s, kind=Section.Kind.DIRECTION, direction=direction)
            section.tracks.add(direction.tracks.order_by("order").first())
        else:
            section = Section.objects.create(
                roadmap=roadmap, order=s, kind=Section.Kind.HEADING, heading=f"Мероприятия раздела {s}"
            )
        for m in range(1, measures + 1):
            text = f"Мероприятие {s}-{m}: " + (LONG_DESCRIPTION if long else "проведение совещания")
            measure = Measure.objects.create(
                section=section,
                order=m,
                number=f"{s}.{m}" if numbered else "",
                description=text + "\n- анализ результатов ВПР\n- подготовка справки",
                deadline_text="Август-сентябрь ежегодно",
                actions=["Проведено совещание", "Материалы размещены на сайте"],
                expected_result=f"Протокол совещания {s}-{m}",
                note="",
            )
            measure.evidence_kinds.set(evidence)
            MeasureExecutor.objects.create(measure=measure, organization=owner, is_lead=True, order=0)
            MeasureExecutor.objects.create(measure=measure, executor_kind=kind_authority, order=1)
    return roadmap


def pdf_pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages]


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def flat(text: str) -> str:
    """Extracted text with line breaks and non-breaking spaces turned into single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


#: The ВПР work of the справка fixtures: its tasks as the ФИС ОКО file describes them.
VPR_TASKS = [
    {"label": "1", "max": 1, "difficulty": "Б"},
    {"label": "2", "max": 1, "difficulty": "Б"},
    {"label": "9.1", "max": 2, "difficulty": "П"},
    {"label": "12К1", "max": 2, "difficulty": "П"},
    {"label": "13", "max": 3, "difficulty": "В"},
]


def _schools(municipality, count: int, prefix: str, *, short: str, full: str) -> list:
    """`count` schools of the municipality, coded «{prefix}{municipality}-00000…», named by the
    patterns ({n}: the school's number from 1, {m}: the municipality's key)."""
    from schools.models import Organization

    return Organization.objects.bulk_create(
        Organization(
            municipality=municipality, code=f"{prefix}{municipality.pk}-{index:05d}", kind=Organization.Kind.SCHOOL,
            short_name=short.format(n=index + 1, m=municipality.pk), full_name=full.format(n=index + 1, m=municipality.pk),
        )
        for index in range(count)
    )  # fmt: skip


def results_for_spravka(municipality, *, schools: int, per_school: int = 20, seed: int = 21, prefix: str = "sp"):
    """A municipality's ВПР «Математика», 5th grade, for this year (2024) and the last (2023): `schools`
    schools with `per_school` participants each (pseudonymous codes, never names), task scores,
    primary scores, marks and journal marks; the per-school statistics rebuilt from them, as the import
    does. Returns (this year's assessment, last year's, the schools)."""
    import random

    from monitoring.models import Assessment, StudentResult
    from monitoring.services import statistics_rebuild

    rng = random.Random(seed)
    organizations = _schools(municipality, schools, prefix, short="СОШ № {n}", full="Средняя школа № {n}")
    made = []
    for year in (2023, 2024):
        assessment, _ = Assessment.objects.get_or_create(
            kind="vpr", year=year, subject="Математика", grade=5, defaults={"tasks": VPR_TASKS}
        )
        rows = []
        for school_index, organization in enumerate(organizations):
            weak = school_index % 4 == 0  # every fourth school struggles
            for index in range(per_school):
                scores = [
                    rng.randint(0, task["max"]) if rng.random() > (0.5 if weak else 0.2) else 0 for task in VPR_TASKS
                ]
                if index % 7 == 6:
                    scores[2] = None  # no answer recorded for a task
                primary = sum(score or 0 for score in scores)
                mark = 2 if primary <= 2 else 3 if primary <= 4 else 4 if primary <= 6 else 5
                journal = min(5, max(2, mark + rng.choice([-1, 0, 0, 0, 1])))
                rows.append(
                    StudentResult(
                        assessment=assessment, organization=organization, class_name="5А",
                        participant_code=f"{year}-{organization.code}-{index}",
                        task_scores=",".join("" if score is None else str(score) for score in scores),
                        primary_score=primary, mark=mark, journal_mark=journal,
                    )
                )  # fmt: skip
        StudentResult.objects.bulk_create(rows, batch_size=5000)
        statistics_rebuild(assessment_ids={assessment.pk}, organization_ids={o.pk for o in organizations})
        made.append(assessment)
    return made[1], made[0], organizations


#: The works of `exams_for_spravka`: (kind, subject, grade, scale).
EXAMS = {
    "kdr": ("kdr", "Читательская грамотность", 6, "levels"),
    "oge": ("oge", "Математика", 9, "marks"),
    "ege": ("ege", "Русский язык", 11, "marks"),
}
#: The ЕГЭ minimum of `exams_for_spravka`'s year (2024) for «Русский язык».
EGE_MINIMUM = 24


def exams_for_spravka(municipality, *, schools: int, per_school: int = 12, seed: int = 7, prefix: str = "ex"):
    """This year's (2024) КДР «Читательская грамотность», 6th grade (levels; class «6А» of every
    other school is a control group checked by outside experts), ОГЭ «Математика», 9th grade (primary
    scores and marks) and ЕГЭ «Русский язык», 11th grade (primary and test scores, the minimum
    EGE_MINIMUM), in `schools` new schools of the municipality with `per_school` participants each;
    the per-school statistics rebuilt from them, as the import does. Called again for another
    municipality it adds that municipality's schools to the same works. Returns ({"kdr"|"oge"|"ege":
    assessment}, the schools)."""
    import random

    from monitoring.models import Assessment, EgeMinScore, StudentResult
    from monitoring.services import statistics_rebuild

    rng = random.Random(seed)
    EgeMinScore.objects.get_or_create(year=2024, subject=EXAMS["ege"][1], defaults={"min_score": EGE_MINIMUM})
    organizations = _schools(municipality, schools, prefix, short="Школа № {n} ({m})", full="Школа № {n}")
    levels = [choice[0] for choice in StudentResult.Level.choices]
    works, rows = {}, []
    for key, (kind, subject, grade, scale) in EXAMS.items():
        works[key], _ = Assessment.objects.get_or_create(
            kind=kind, year=2024, subject=subject, grade=grade, defaults={"scale": scale}
        )
    for school_index, organization in enumerate(organizations):
        weak = school_index % 3 == 0  # every third school struggles
        for index in range(per_school):
            code = f"{organization.code}-{index}"
            class_name = "А" if index % 2 == 0 else "Б"
            level = rng.choice(levels[:2] if weak and index % 3 else levels)
            rows.append(StudentResult(
                assessment=works["kdr"], organization=organization, class_name=f"6{class_name}", participant_code=code,
                level=level, control_group=class_name == "А" and school_index % 2 == 0,
            ))  # fmt: skip
            primary = rng.randint(0, 12 if weak else 31)
            mark = 2 if primary < 8 else 3 if primary < 15 else 4 if primary < 22 else 5
            rows.append(StudentResult(
                assessment=works["oge"], organization=organization, class_name="9А", participant_code=code,
                primary_score=primary, mark=mark,
            ))  # fmt: skip
            test = rng.randint(10, 60 if weak else 98)
            rows.append(StudentResult(
                assessment=works["ege"], organization=organization, class_name="11А", participant_code=code,
                primary_score=test // 2, test_score=test,
            ))  # fmt: skip
    StudentResult.objects.bulk_create(rows, batch_size=5000)
    statistics_rebuild(
        assessment_ids={work.pk for work in works.values()}, organization_ids={o.pk for o in organizations}
    )
    return works, organizations
