"""One coherent set of objects of the municipality (and the same kinds in another municipality) for the
access matrix: every URL of the product gets a real object to open."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from config.jobs.models import Job
from monitoring.analysis.services import example_method_load, indicators_load
from monitoring.models import (
    Assessment,
    Campaign,
    IdentificationCriterion,
    IdentificationEntry,
    IdentificationList,
    IdentificationMethod,
    IndicatorDefinition,
    IndicatorValue,
    Recommendation,
    RecommendationAddressee,
    RecommendationFile,
)
from monitoring.services import result_import_create
from reports.models import AnalyticReport, Publication, ReportFile
from reports.testing import create_roadmap
from roadmaps.execution.demo import tiny_pdf
from roadmaps.models import Assignment, Evidence, Notification, Order, Roadmap
from schools.models import Membership, Municipality, Organization
from tests.conftest import make_user
from tests.roadmaps.execution_factories import kind, make_assignment, make_measure, make_roadmap, make_section

VPR_CSV = "Логин ОО;Класс;Предмет;Код участника;1;Первичный балл;Отметка\r\n".encode("cp1251")


def make_outsider(other_municipality):
    """A methodist of the other municipality: sees nothing of ours."""
    authority = make_authority(other_municipality)
    return make_user("outsider", authority, Membership.Role.METHODIST)


def make_authority(municipality) -> Organization:
    return Organization.objects.get_or_create(
        municipality=municipality,
        code=f"uo-{municipality.pk}",
        defaults={"kind": Organization.Kind.AUTHORITY, "short_name": "УО", "full_name": "Управление образования"},
    )[0]


def build_objects(*, municipality, authority, school, author) -> dict:
    """Roadmaps (draft and approved), an occurrence with a file, an order, a generated file, a zoning
    method with a rule, a campaign and a results import, all of one municipality."""
    draft = make_roadmap(authority, status=Roadmap.Status.DRAFT, title="Черновик дорожной карты")
    draft_section = make_section(draft)
    draft_measure = make_measure(draft_section)
    on_approval = make_roadmap(authority, status=Roadmap.Status.ON_APPROVAL, title="На утверждении")
    make_measure(make_section(on_approval))
    approved = make_roadmap(authority)
    section = make_section(approved)
    measure = make_measure(section)
    assignment = make_assignment(measure, school)
    # Occurrences in the states where "accept", "return" and "reopen" make sense.
    submitted = make_assignment(measure, school, status=Assignment.Status.SUBMITTED, occurrence=2)
    accepted = make_assignment(measure, school, status=Assignment.Status.ACCEPTED, occurrence=3)
    evidence = Evidence.objects.create(
        assignment=assignment,
        kind=kind(),
        title="Протокол педсовета",
        file=ContentFile(tiny_pdf(["Protokol"]), name="protocol.pdf"),
        original_name="протокол.pdf",
        content_type="application/pdf",
        size=100,
        uploaded_by=author,
    )
    order = Order.objects.create(organization=authority, number="7", date=datetime.date(2025, 8, 29), title="Об утв.")
    order.roadmaps.add(approved, through_defaults={"appendix_number": "1"})
    report_file = ReportFile.objects.create(
        kind=ReportFile.Kind.ROADMAP_PDF,
        roadmap=approved,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="roadmap.pdf"),
        filename="roadmap.pdf",
        created_by=author,
    )
    method = example_method_load(municipality=municipality, year=2024)
    campaign = Campaign.objects.create(
        municipality=municipality,
        title="Сбор 2024",
        year=2024,
        period_start=datetime.date(2023, 9, 1),
        period_end=datetime.date(2024, 8, 31),
        deadline=datetime.date(2024, 6, 1),
        created_by=author,
    )
    campaign.indicators.set(IndicatorDefinition.objects.filter(code="teachers_diagnosed"))
    campaign.organizations.set([school])
    result_import = result_import_create(
        municipality=municipality, data=VPR_CSV, filename="vpr.csv", kind="vpr", year=2024, user=author
    )
    result_import.rejected_file.save("rejected.xlsx", ContentFile(b"rejected rows"))
    # An addressed recommendation the school has answered with a document.
    recommendation = Recommendation.objects.create(
        municipality=municipality, text="Провести педсовет", created_by=author
    )
    recommendation.organizations.set([school])
    answer = RecommendationAddressee.objects.create(
        recommendation=recommendation, organization=school, status=RecommendationAddressee.Status.REPORTED,
        report="Проведён",
    )  # fmt: skip
    recommendation_file = RecommendationFile.objects.create(
        addressee=answer,
        file=ContentFile(tiny_pdf(["Protokol"]), name="protocol.pdf"),
        original_name="протокол.pdf",
        content_type="application/pdf",
        size=100,
        uploaded_by=author,
    )
    publication = Publication.objects.create(
        municipality=municipality, kind=Publication.Kind.DOCUMENT, title="Дорожная карта", file=report_file
    )
    # A draft analytic report of the municipality on a ВПР (no results: its contents say so).
    assessment, _ = Assessment.objects.get_or_create(kind="vpr", year=2024, subject="Математика", grade=5)
    spravka = AnalyticReport.objects.create(
        municipality=municipality, subject=AnalyticReport.Subject.ASSESSMENT, assessment=assessment, year=2024,
        title="Справка по ВПР", created_by=author,
    )  # fmt: skip
    # An approved ШНРО/ШНСУ identification method with a criterion, and its computed (not approved) list.
    identification = IdentificationMethod.objects.create(
        municipality=municipality, year=2024, title="Методика идентификации", created_by=author,
        status=IdentificationMethod.Status.APPROVED, approval_order=order,
    )  # fmt: skip
    criterion = IdentificationCriterion.objects.create(method=identification, kind="rural")
    identification_list = IdentificationList.objects.create(
        method=identification, municipality=municipality, year=2024, computed_at=timezone.now(), schools=1
    )
    IdentificationEntry.objects.create(listing=identification_list, organization=school, unfavourable_conditions=True)
    return {
        "assessment": assessment,
        "identification_method": identification,
        "identification_criterion": criterion,
        "identification_list": identification_list,
        "spravka": spravka,
        "publication": publication,
        "municipality": municipality,
        "school": school,
        "draft": draft,
        "draft_section": draft_section,
        "draft_measure": draft_measure,
        "on_approval": on_approval,
        "approved": approved,
        "section": section,
        "measure": measure,
        "assignment": assignment,
        "submitted": submitted,
        "accepted": accepted,
        "evidence": evidence,
        "order": order,
        "report_file": report_file,
        "method": method,
        "rule": method.rules.order_by("order").first(),
        "campaign": campaign,
        "import": result_import,
        "recommendation": recommendation,
        "answer": answer,
        "recommendation_file": recommendation_file,
    }


def build_regional(*, regional, region: str) -> dict:
    """An approved regional roadmap (seed 003's three levels) of the region of both municipalities."""
    regional.region = region
    regional.save()
    plan = create_roadmap(
        owner=regional,
        level=Roadmap.Level.REGIONAL,
        title="Региональная дорожная карта",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        status=Roadmap.Status.APPROVED,
    )
    measure = make_measure(make_section(plan), description="Определение регионального перечня оценочных процедур")
    measure.municipal_text = "Определение муниципального перечня оценочных процедур"
    measure.school_text = "Определение школьного перечня оценочных процедур"
    measure.save()
    return {"regional": plan, "regional_measure": measure}


def build_hidden(*, municipality, report_file, method) -> dict:
    """What the open page must not show anyone: a withdrawn publication of a document, a publication
    that is no document (a zoning's summary: no file behind it), a municipality whose only
    publication was withdrawn and one that never published anything (a draft kept as a file)."""
    now = timezone.now()
    withdrawn = Publication.objects.create(
        municipality=municipality, kind=Publication.Kind.DOCUMENT, title="Снятый с публикации документ",
        file=report_file, withdrawn_at=now,
    )  # fmt: skip
    zoning = Publication.objects.create(
        municipality=municipality, kind=Publication.Kind.ZONING, zoning_method=method, title="Итоги зонирования"
    )
    taken_down = Municipality.objects.create(name="Балаковский муниципальный район", region=municipality.region)
    Publication.objects.create(
        municipality=taken_down, kind=Publication.Kind.INDICATORS, year=2024, title="Снятые значения", withdrawn_at=now
    )
    never = Municipality.objects.create(name="Марксовский муниципальный район", region=municipality.region)
    draft = create_roadmap(
        owner=make_authority(never), title="Неопубликованный черновик", period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31), status=Roadmap.Status.DRAFT,
    )  # fmt: skip
    ReportFile.objects.create(
        kind=ReportFile.Kind.ROADMAP_PDF, roadmap=draft, filename="draft.pdf",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="draft.pdf"),
    )  # fmt: skip
    return {"withdrawn": withdrawn, "zoning": zoning, "taken_down": taken_down, "never": never}


def build_world(
    *, municipality, other_municipality, authority, school_a, other_school, methodist, director_a, regional=None
):
    indicators_load()
    world = build_objects(municipality=municipality, authority=authority, school=school_a, author=methodist)
    if regional is not None:
        world |= build_regional(regional=regional, region=municipality.region)
    world["notification"] = Notification.objects.create(
        recipient=director_a,
        kind=Notification.Kind.ASSIGNED,
        assignment=world["assignment"],
        text="Назначено мероприятие",
        dedupe_key="matrix-assigned",
    )
    # A pooled value of the municipality: «Показатели региона» has a region value and a row to show
    # (a year before the method's: the method still has no values to compute zones from).
    world["region_value"] = IndicatorValue.objects.create(
        indicator=IndicatorDefinition.objects.get(code="vpr_share_2"), year=2023, municipality=municipality,
        numerator=3, denominator=40, value=7.5,
    )  # fmt: skip
    world["job"] = Job.objects.create(
        kind="t", title="Задание методиста", task_name="tests.noop", created_by=methodist, status=Job.Status.FAILED
    )
    world["hidden"] = build_hidden(municipality=municipality, report_file=world["report_file"], method=world["method"])
    foreign_authority = make_authority(other_municipality)
    world["foreign"] = build_objects(
        municipality=other_municipality, authority=foreign_authority, school=other_school, author=None
    )
    return world
