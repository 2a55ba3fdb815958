"""Pages of the self-assessment: the municipality's matrix (directions × stages, each cell with its
records and what is missing, totals, what to do next), the step that turns a cell into a draft
measure, and the region's table of municipalities."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.lib.preconditions import unmet
from config.lib.replica import heavy_read
from config.lib.years import academic_year_label, current_academic_year
from monitoring.analysis.selectors import municipality_for
from monitoring.region.selectors import region_for, regions_for
from reports.models import ReportFile
from reports.selfassessment import selectors, services
from reports.selfassessment.tasks import selfassessment_region_enqueue
from reports.services import document_request
from reports.views import _document_response
from roadmaps.models import CycleStage, Direction
from roadmaps.preconditions import stage_rules
from schools.access import access_for, enforce
from schools.models import Municipality

READ_REFUSED = "Самооценку механизмов управления качеством видят сотрудники органа управления образованием и региона"
PLAN_REFUSED = (
    "Создавать мероприятия по итогам самооценки могут методисты и руководители органа управления образованием"
)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _municipality_and_year(request, data):
    municipality = municipality_for(request.user, _int(data.get("municipality")))
    access = access_for(request.user)
    enforce(access.reads_selfassessment(municipality.pk), READ_REFUSED)
    years, default = selectors.years_of(municipality, timezone.localdate())
    year = _int(data.get("year"))
    if year is None or not 2000 <= year <= 2100:
        year = default
    return municipality, years, year


@login_required
@heavy_read
def matrix_page(request):
    municipality, years, year = _municipality_and_year(request, request.GET)
    access = access_for(request.user)
    matrix = selectors.matrix(municipality, year)
    plan = services.plan_for(municipality, year)
    return render(
        request,
        "reports/selfassessment/matrix.html",
        {
            "municipality": municipality,
            "municipalities": _visible_municipalities(request.user),
            "years": sorted(set(years) | {year}, reverse=True),
            "year": year,
            "matrix": matrix,
            "plan": plan,
            "can_plan": access.can_plan_from_selfassessment(municipality.pk),
            "no_plan": services.no_plan_message(year),
            "preconditions": unmet(stage_rules()),
            "document_formats": [("selfassessment:pdf", "Отчёт PDF"), ("selfassessment:docx", "Отчёт Word")],
        },
    )


def _visible_municipalities(user):
    return Municipality.objects.for_user(user).order_by("name")


@login_required
@require_POST
def cell_measure(request):
    municipality, _years, year = _municipality_and_year(request, request.POST)
    enforce(access_for(request.user).can_plan_from_selfassessment(municipality.pk), PLAN_REFUSED)
    direction = get_object_or_404(Direction, code=request.POST.get("direction", ""))
    stage = get_object_or_404(CycleStage, code=request.POST.get("stage", ""))
    cell = selectors.matrix(municipality, year).cells.get((direction.code, stage.code))  # kept by data version
    if cell is None:
        raise Http404("Нет такой клетки самооценки")
    back = reverse("selfassessment:matrix") + f"?municipality={municipality.pk}&year={year}"
    try:
        measure = services.cell_measure_create(municipality=municipality, year=year, cell=cell, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    roadmap = measure.section.roadmap
    where = (
        f"в изменения дорожной карты (версия {roadmap.version})" if roadmap.amends_id else "в черновик дорожной карты"
    )
    messages.success(
        request,
        f"Мероприятие направления {direction.code}, этап «{stage.title}», добавлено {where}: "
        "уточните его текст, сроки и исполнителей, затем отправьте на утверждение",
    )
    return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#measure-{measure.pk}")


def _document(request, kind: str):
    municipality, _years, year = _municipality_and_year(request, request.POST)
    outcome = document_request(kind=kind, params={"municipality": municipality.pk, "year": year}, by=request.user)
    return _document_response(request, outcome)


@login_required
@require_POST
def matrix_pdf(request):
    return _document(request, ReportFile.Kind.SELFASSESSMENT_PDF)


@login_required
@require_POST
def matrix_docx(request):
    return _document(request, ReportFile.Kind.SELFASSESSMENT_DOCX)


@login_required
@heavy_read
def region_page(request):
    regions = regions_for(request.user)
    data = request.POST if request.method == "POST" else request.GET
    region = region_for(request.user, data.get("region") or None)
    current = current_academic_year()
    year = _int(data.get("year"))
    if year is None or not 2000 <= year <= 2100:
        year = current
    if request.method == "POST":
        job = selfassessment_region_enqueue(region=region, year=year, user=request.user)
        return redirect("jobs:detail", pk=job.pk)
    table = selectors.region_table_kept(region, year)
    if table is None and not settings.FRAGMENT_CACHE_SECONDS:  # nothing is kept: computed here
        table = selectors.region_table(region, year)
    return render(
        request,
        "reports/selfassessment/region.html",
        {
            "region": region,
            "regions": regions,
            "year": year,
            "years": list(range(current, current - 5, -1)),
            "year_label": academic_year_label(year),
            "table": table,
        },
    )
