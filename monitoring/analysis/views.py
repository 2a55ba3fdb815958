"""Pages of the analysis: overview with zones and heat map, organisation card, objectivity,
zoning methods, collection campaigns, closing the cycle, effectiveness, downloads."""

from __future__ import annotations

import io
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from config.jobs.models import Job
from config.lib.fragments import ORGANIZATIONS, ZONES, fragment
from config.lib.preconditions import require, unmet
from config.lib.replica import heavy_read
from config.lib.russian import plural
from monitoring import preconditions
from monitoring.analysis import selectors as selectors
from monitoring.analysis import services as services
from monitoring.analysis.forms import (
    ApproveForm,
    CampaignForm,
    ComputeIndicatorsForm,
    ImportForm,
    MethodForm,
    ReportedIndicatorForm,
    ReportedValuesForm,
    RuleForm,
    TargetForm,
    draft_sections,
)
from monitoring.analysis.svg import heatmap, sparkline, stacked_bar
from monitoring.analysis.tasks import indicators_compute_enqueue, zones_compute_enqueue
from monitoring.clusters.selectors import (
    MIN_CLUSTER_SCHOOLS,
    cluster_values,
    clustering_for,
    clusters_by_rules,
    member_of,
)
from monitoring.identification.selectors import school_history
from monitoring.models import Campaign, Colour, IndicatorDefinition, IndicatorValue, ReportedValue, Zone, ZoningMethod
from monitoring.recommendations.services import recommendation_create
from monitoring.region.selectors import region_beside
from monitoring.rendering import assignments_rows_html, zone_tiles_html
from roadmaps.services import RoadmapStateError
from schools.access import access_for, enforce
from schools.models import Municipality, Organization

STAFF_ONLY = "Страница доступна сотрудникам органа управления образованием"


def _download(rows, columns, *, name: str, fmt: str, title: str):
    stream = io.BytesIO()
    if fmt == "csv":
        selectors.write_csv(stream, columns, rows)
        content_type = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        selectors.write_xlsx(stream, columns, rows, title=title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise PermissionDenied("Формат выгрузки: csv или xlsx")
    response = HttpResponse(stream.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _card_url():
    """reverse() once: the card URL of every tile and heat-map row differs only in its key."""
    template = reverse("monitoring:organization", args=[0])
    head, tail = template.rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


@login_required
@heavy_read
def overview(request):
    access = access_for(request.user)
    if access.directs_only:
        return redirect("monitoring:organization", pk=min(access.organization_ids))
    enforce(access_for(request.user).follows_execution, STAFF_ONLY)
    municipality = selectors.municipality_for(request.user, _int(request.GET.get("municipality")))
    method = selectors.current_method(request.user, municipality, _int(request.GET.get("method")))
    filters = {key: request.GET.get(key, "") for key in ("rural", "kind", "zone", "sort")}
    can_edit = access.can_manage_monitoring(municipality.pk)
    card_url = _card_url()

    def render_zones():
        rules, rows, counts = selectors.overview(request.user, municipality, method, **filters)
        tiles = zone_tiles_html(rows, can_edit=can_edit, card_url=card_url)
        return heatmap(rows, rules, card_url=card_url) if rules else "", tiles, counts

    # The tiles and the heat map of a region's thousand schools: once per version of the zones
    # and of the registry, for everyone of the person's scope.
    key = (municipality.pk, method.pk if method else None, can_edit)
    zones_map, tiles, counts = fragment(
        "zones-overview", (key, tuple(filters.items()), access.scope_key), [ZONES, ORGANIZATIONS], render_zones
    )
    rules = list(method.rules.select_related("indicator")) if method else []
    # Each rule's value by cluster of comparable schools, beside the municipality's (the «кластер» rows).
    clustering = clustering_for(municipality.pk, method.year) if method else None
    cluster_rows = (
        clusters_by_rules(clustering, municipality_id=municipality.pk, year=method.year, rules=rules)
        if clustering is not None
        else []
    )
    context = {
        "municipality": municipality,
        "municipalities": Municipality.objects.for_user(request.user).order_by("name"),
        "method": method,
        "methods": selectors.methods_for(request.user, municipality),
        "rules": rules,
        "clustering": clustering,
        "cluster_rows": cluster_rows,
        "municipality_rule_values": selectors.municipality_rule_values(municipality, method, rules) if method else [],
        "counts": counts,
        "colours": Colour,
        "filters": filters,
        "kinds": Organization.Kind.choices,
        "heatmap": mark_safe(zones_map),
        "tiles": mark_safe(tiles),
        "years": selectors.available_years(municipality),
        "can_edit": can_edit,
        "compute_form": ComputeIndicatorsForm(initial={"year": method.year if method else None}),
        # the zones job just started from this page: its progress bar polls until it is done
        "job": Job.objects.for_user(request.user).filter(pk=_int(request.GET.get("job"))).first(),
        "preconditions": unmet(
            preconditions.indicator_catalogue(), preconditions.indicator_values(method) if method else None
        ),
    }
    if not request.htmx and access.sees_region_value(municipality.pk):
        # the municipality's values as a whole beside its region's (monitoring.region)
        years = context["years"]
        region_year = method.year if method and method.year in years else (years[0] if years else None)
        context["region_year"] = region_year
        context["region_rows"] = region_beside(request.user, municipality, region_year)
    if can_edit:
        context["target_form"] = TargetForm(
            organizations=Organization.objects.filter(municipality=municipality),
            methods=selectors.methods_for(request.user, municipality),
            sections=draft_sections(municipality),
            initial={"method": method, "make_measure": True},
        )
        context["sections"] = draft_sections(municipality)
    template = (
        "monitoring/analysis/partials/overview_table.html" if request.htmx else "monitoring/analysis/overview.html"
    )
    return render(request, template, context)


@login_required
def organization_card(request, pk: int):
    organization = get_object_or_404(Organization.objects.for_user(request.user).select_related("municipality"), pk=pk)
    card = selectors.organization_card(request.user, organization)
    for entry in card["indicators"]:
        entry["chart"] = sparkline(entry["school"], entry["municipality"], unit=entry["indicator"].unit)
        latest = entry["latest"]
        entry["bar"] = (
            stacked_bar(latest.details) if latest and entry["indicator"].code == "vpr_mark_distribution" else ""
        )
    # The school's peer group (cluster) of the year, and each indicator's cluster average beside the
    # municipality's: a small rural school is compared with the schools like it.
    member = member_of(organization.pk, clustering_for(organization.municipality_id, card["latest_year"]))
    # Each indicator at the school's own latest year of it (a reported indicator may be a year
    # ahead of the results): the cluster's value of that year, its year shown when it differs.
    if member is not None and card["latest_year"]:
        by_year = defaultdict(list)
        for entry in card["indicators"]:
            entry["cluster_year"] = max(entry["school"]) if entry["school"] else card["latest_year"]
            by_year[entry["cluster_year"]].append(entry)
        for year, entries in by_year.items():
            averages = cluster_values(member.cluster, year=year, indicator_ids=[e["indicator"].pk for e in entries])
            for entry in entries:
                entry["cluster"] = averages.get(entry["indicator"].pk)
    card["cluster_member"] = member
    card["min_cluster_schools"] = MIN_CLUSTER_SCHOOLS
    card["identification_history"] = school_history(request.user, organization)
    card["assignment_rows"] = assignments_rows_html(card["assignments"])
    card["draft_assignment_rows"] = (
        assignments_rows_html(card["draft_assignments"], drafts=True) if card["draft_assignments"] else ""
    )
    card["can_analyse"] = access_for(request.user).can_analyse_school(organization)
    return render(request, "monitoring/analysis/organization.html", {"organization": organization, **card})


OBJECTIVITY_PAGE = 100


@login_required
def objectivity(request):
    access = access_for(request.user)
    director_only = access.directs_only
    if not director_only:
        enforce(access_for(request.user).follows_execution, STAFF_ONLY)
    municipality = selectors.municipality_for(request.user, _int(request.GET.get("municipality")))
    years = selectors.available_years(municipality)
    year = _int(request.GET.get("year")) or (years[0] if years else None)
    organization_id = min(access.organization_ids) if director_only else None
    if year:
        rows, gaps = selectors.objectivity(
            request.user, municipality, year, organization_id=organization_id,
            page=request.GET.get("page"), kdr_page=request.GET.get("kdr_page"), per_page=OBJECTIVITY_PAGE,
        )  # fmt: skip
    else:
        rows = gaps = Paginator([], OBJECTIVITY_PAGE).get_page(1)
    return render(
        request,
        "monitoring/analysis/objectivity.html",
        {
            "municipality": municipality,
            "year": year,
            "years": years,
            "rows": rows,
            "gaps": gaps,
            "preconditions": unmet(preconditions.indicator_catalogue()),
        },  # fmt: skip
    )


@login_required
def effectiveness(request):
    enforce(access_for(request.user).follows_execution, STAFF_ONLY)
    municipality = selectors.municipality_for(request.user, _int(request.GET.get("municipality")))
    direction = request.GET.get("direction", "")
    rows, directions = selectors.effectiveness(request.user, municipality, direction_code=direction)
    methods = (
        ZoningMethod.objects.for_user(request.user)
        .filter(municipality=municipality, targeted_measures__isnull=False)
        .distinct()
        .order_by("-year", "-pk")
    )
    return render(
        request,
        "monitoring/analysis/effectiveness.html",
        {
            "municipality": municipality,
            "rows": rows,
            "verdict": selectors.effectiveness_verdict(rows),
            "by_measure": selectors.effectiveness_by_measure(rows),
            "targets": selectors.target_attainment(request.user, municipality),
            # the chosen direction, or those of the rules the targeted measures are judged by
            "direction_change": selectors.direction_change(
                municipality, [direction] if direction else [row["rule"].indicator.direction_code for row in rows]
            ),
            "methods": methods,
            "directions": directions,
            "direction": direction,
            "preconditions": unmet(preconditions.indicator_catalogue()),
        },  # fmt: skip
    )


@login_required
def indicator_list(request):
    indicators = IndicatorDefinition.objects.for_user(request.user)
    access = access_for(request.user)
    form = ReportedIndicatorForm(request.POST or None) if access.is_admin else None
    if request.method == "POST":
        if not access.is_admin:
            raise PermissionDenied("Добавлять показатели может только администратор")
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.indicator_reported_create(by=request.user, **data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Показатель добавлен")
                return redirect("monitoring:indicators")
    return render(
        request,
        "monitoring/analysis/indicators.html",
        {"indicators": indicators, "form": form, "preconditions": unmet(preconditions.indicator_catalogue())},
    )


@login_required
@require_POST
def compute_indicators(request):
    municipality = selectors.municipality_for(request.user, _int(request.POST.get("municipality")))
    if not access_for(request.user).can_manage_monitoring(municipality.pk):
        raise PermissionDenied("Пересчитать показатели может методист или руководитель УО")
    form = ComputeIndicatorsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите учебный год числом, например 2024")
        return redirect("monitoring:overview")
    year = form.cleaned_data["year"]
    # Said now, on the page (409), rather than as a failed job a minute later; the job checks again.
    require(preconditions.indicator_catalogue(), preconditions.ege_min_scores(year))
    job = indicators_compute_enqueue(year=year, municipality_id=municipality.pk, user=request.user)
    return redirect("jobs:detail", pk=job.pk)


# --- Zoning methods ----------------------------------------------------------------------------


@login_required
def method_list(request):
    enforce(access_for(request.user).follows_execution, STAFF_ONLY)
    municipality = selectors.municipality_for(request.user, _int(request.GET.get("municipality")))
    access = access_for(request.user)
    form = None
    if access.can_manage_monitoring(municipality.pk):
        form = MethodForm(request.POST or None, initial={"minimum_participants": 5})
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Создавать методики может методист или руководитель УО")
        if form.is_valid():
            method = services.method_create(municipality=municipality, by=request.user, **form.cleaned_data)
            return redirect("monitoring:method", pk=method.pk)
    status = request.GET.get("status", "")
    methods = selectors.methods_for(request.user, municipality, status).prefetch_related("rules")
    return render(
        request,
        "monitoring/analysis/methods.html",
        {
            "municipality": municipality,
            "methods": methods,
            "status_label": dict(ZoningMethod.Status.choices).get(status, ""),
            "form": form,
            "preconditions": unmet(preconditions.indicator_catalogue()),
        },  # fmt: skip
    )


@login_required
def method_detail(request, pk: int):
    enforce(access_for(request.user).follows_execution, STAFF_ONLY)
    method = selectors.method_get(request.user, pk)
    access = access_for(request.user)
    can_edit = access.can_manage_monitoring(method.municipality_id) and method.is_editable
    editing = request.method == "POST" and request.POST.get("action") == "method"
    method_form = MethodForm(request.POST if editing else None, instance=method) if can_edit else None
    rule_form = RuleForm(request.POST if request.method == "POST" and not editing else None) if can_edit else None
    if editing and method_form is not None:
        if method_form.is_valid():
            fields = {name: method_form.cleaned_data[name] for name in method_form.fields}
            method.refresh_from_db()
            try:
                services.method_update(method=method, by=request.user, **fields)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Методика сохранена")
                return redirect("monitoring:method", pk=method.pk)
    elif request.method == "POST":
        if rule_form is None:
            raise PermissionDenied("Методика утверждена или у вас нет права её изменять")
        if rule_form.is_valid():
            try:
                services.rule_add(method=method, by=request.user, **rule_form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    rule_form.add_error("ranges_text", message)
            else:
                messages.success(request, "Правило добавлено")
                return redirect("monitoring:method", pk=method.pk)
    from monitoring.zoning import range_label

    rules = [
        {"rule": rule, "ranges": [(Colour(r["colour"]).label, range_label(r), r["colour"]) for r in rule.ranges]}
        for rule in method.rules.select_related("indicator")
    ]
    return render(
        request,
        "monitoring/analysis/method.html",
        {
            "method": method,
            "rules": rules,
            "rule_form": rule_form,
            "method_form": method_form,
            "can_edit": can_edit,
            "can_compute": access.can_manage_monitoring(method.municipality_id),
            "approve_form": ApproveForm()
            if access.can_approve_in(method.municipality_id) and method.is_editable
            else None,
            "counts": selectors.zone_counts(method),
            # rules are chosen from the catalogue; zones are read from the year's computed indicators
            "preconditions": unmet(preconditions.indicator_catalogue(), preconditions.indicator_values(method)),
        },
    )


@login_required
@require_POST
def rule_delete(request, pk: int):
    rule = selectors.rule_get(request.user, pk)
    method = rule.method
    try:
        services.rule_delete(rule=rule, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("monitoring:method", pk=method.pk)


@login_required
@require_POST
def method_approve(request, pk: int):
    method = selectors.method_get(request.user, pk)
    enforce(access_for(request.user).can_approve_in(method.municipality_id), services.METHOD_APPROVE_REFUSED)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите номер и дату приказа")
        return redirect("monitoring:method", pk=pk)
    try:
        services.method_approve(method=method, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Методика утверждена и больше не изменяется")
    return redirect("monitoring:method", pk=pk)


@login_required
@require_POST
def method_compute(request, pk: int):
    method = selectors.method_get(request.user, pk)
    if not access_for(request.user).can_manage_monitoring(method.municipality_id):
        raise PermissionDenied("Рассчитать зоны может методист или руководитель УО")
    require(preconditions.zoning_rules(method), preconditions.indicator_values(method))
    job = zones_compute_enqueue(method=method, user=request.user)
    return redirect(
        f"{reverse('monitoring:overview')}?municipality={method.municipality_id}&method={method.pk}&job={job.pk}"
    )


@login_required
@heavy_read
def zones_export(request, pk: int, fmt: str):
    enforce(access_for(request.user).follows_execution, STAFF_ONLY)
    method = selectors.method_get(request.user, pk)
    rows = selectors.zone_rows(Zone.objects.for_user(request.user).filter(method=method))
    return _download(rows, selectors.ZONE_COLUMNS, name=f"zones_{method.year}_{method.pk}", fmt=fmt, title="Зоны")


@login_required
@heavy_read
def values_export(request, fmt: str):
    municipality = selectors.municipality_for(request.user, _int(request.GET.get("municipality")))
    year = _int(request.GET.get("year"))
    values = IndicatorValue.objects.for_user(request.user).filter(municipality=municipality)
    if year:
        values = values.filter(year=year)
    rows = selectors.export_rows(values)
    return _download(rows, selectors.EXPORT_COLUMNS, name=f"indicators_{year or 'all'}", fmt=fmt, title="Показатели")


# --- Closing the cycle -------------------------------------------------------------------------


@login_required
@require_POST
def target(request):
    municipality = selectors.municipality_for(request.user, _int(request.POST.get("municipality")))
    if not access_for(request.user).can_manage_monitoring(municipality.pk):
        raise PermissionDenied("Адресные меры назначает методист или руководитель УО")
    form = TargetForm(
        request.POST,
        organizations=Organization.objects.filter(municipality=municipality),
        methods=selectors.methods_for(request.user, municipality),
        sections=draft_sections(municipality),
    )
    back = f"{reverse('monitoring:overview')}?municipality={municipality.pk}"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label + ': ' if label else ''}{' '.join(errors)}")
        return redirect(back)
    data = form.cleaned_data
    organizations = list(data["organizations"])
    try:
        with transaction.atomic():
            measures = []
            if data["make_measure"]:
                measures.append(
                    services.targeted_measure_create(
                        section=data["section"],
                        organizations=organizations,
                        by=request.user,
                        description=data["description"],
                        deadline_text=data["deadline_text"],
                        source_method=data["method"],
                        zone_colour=data["zone_colour"],
                    )  # fmt: skip
                )
            if data["make_recommendation"]:
                recommendation_create(
                    municipality=municipality, by=request.user, organizations=organizations, text=data["text"],
                    method=data["method"], zone_colour=data["zone_colour"], measures=measures,
                )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    except RoadmapStateError as error:  # the measure builder refused (not a draft, empty text, other municipality)
        messages.error(request, str(error))
        return redirect(back)
    names = ", ".join(o.short_name for o in organizations[:5]) + (" …" if len(organizations) > 5 else "")
    count = len(organizations)
    messages.success(
        request,
        f"Адресные меры созданы для {count} {plural(count, 'организации', 'организаций', 'организаций')}: {names}",
    )
    if data["method"]:
        back += f"&method={data['method'].pk}"
    return redirect(back)


# --- Collection campaigns ----------------------------------------------------------------------


@login_required
def campaign_list(request):
    access = access_for(request.user)
    campaigns = Campaign.objects.for_user(request.user).prefetch_related("indicators")
    form = None
    municipality = None
    if access.works_for_authority:
        municipality = selectors.municipality_for(request.user, _int(request.GET.get("municipality")))
        if access.can_manage_monitoring(municipality.pk):
            form = CampaignForm(request.POST or None, municipality=municipality)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("Создавать сборы может методист или руководитель УО")
        if form.is_valid():
            try:
                campaign = services.campaign_create(municipality=municipality, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("monitoring:campaign", pk=campaign.pk)
    return render(
        request,
        "monitoring/analysis/campaigns.html",
        {"campaigns": campaigns, "form": form, "preconditions": unmet(preconditions.indicator_catalogue())},
    )


@login_required
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.for_user(request.user), pk=pk)
    access = access_for(request.user)
    staff = access.can_manage_monitoring(campaign.municipality_id)
    indicators = list(campaign.indicators.all())
    own = [o for o in campaign.organizations.all() if access.fills_form_of(o)]
    forms_by_org = []
    for organization in own:
        asked = [i for i in indicators if i.is_collected_from(organization)]
        if not asked:
            continue
        current = {
            v.indicator_id: v for v in ReportedValue.objects.filter(campaign=campaign, organization=organization)
        }
        bound = request.method == "POST" and request.POST.get("organization") == str(organization.pk)
        form = ReportedValuesForm(
            request.POST if bound else None, indicators=asked, initial_values=current, prefix=f"o{organization.pk}"
        )
        if bound and form.is_valid():
            try:
                services.reported_values_submit(
                    campaign=campaign, organization=organization, by=request.user, values=form.values()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Данные {organization.short_name} сохранены")
                return redirect("monitoring:campaign", pk=pk)
        forms_by_org.append((organization, form))
    import_form = ImportForm() if staff else None
    if request.method == "POST" and request.FILES.get("file"):
        if not staff:
            raise PermissionDenied("Загружать данные сбора может методист или руководитель УО")
        import_form = ImportForm(request.POST, request.FILES)
        if import_form.is_valid():
            try:
                count = services.reported_values_import(campaign=campaign, file=request.FILES["file"], by=request.user)
            except ValidationError as error:
                for message in error.messages:
                    import_form.add_error("file", message)
            else:
                messages.success(request, f"Загружено значений: {count}")
                return redirect("monitoring:campaign", pk=pk)
    elif request.method == "POST" and not forms_by_org:
        raise PermissionDenied("Ваша организация не включена в этот сбор")
    progress = []
    if staff or access.sees_everything:
        submitted = set(ReportedValue.objects.filter(campaign=campaign).values_list("organization_id", flat=True))
        progress = [(o, o.pk in submitted) for o in campaign.organizations.order_by("code")]
    return render(
        request,
        "monitoring/analysis/campaign.html",
        {
            "campaign": campaign, "indicators": indicators, "forms_by_org": forms_by_org,
            "import_form": import_form, "progress": progress,
        },
    )  # fmt: skip
