"""The deficit–resource map page (printable) and the pair → measure action."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.lib.replica import heavy_read
from monitoring.analysis.forms import draft_sections
from monitoring.analysis.selectors import current_method, methods_for, municipality_for
from monitoring.analysis.services import targeted_measure_create
from monitoring.clusters.selectors import clustering_for
from monitoring.deficits.selectors import deficit_map, find_pair, pairs_made
from monitoring.models import Colour, ZoningMethod
from roadmaps.services import RoadmapStateError
from schools.access import access_for, enforce
from schools.models import Municipality, Organization

STAFF_ONLY = "Карта дефицитов и ресурсов доступна сотрудникам органа управления образованием"
PAIR_REFUSED = "Меру по паре школ создаёт методист или руководитель УО"
DEFAULT_DEADLINE = "В течение учебного года"


def pair_description(
    *, indicator_name: str, slice_label: str, deficit: str, resource: str, practices: list[str]
) -> str:
    practice = f" («{practices[0]}»)" if practices else ""
    where = "" if slice_label == "в целом" else f" ({slice_label})"
    return (
        f"Методическое партнёрство по показателю «{indicator_name}»{where}: {deficit} перенимает лучшую "
        f"практику {resource}{practice} — взаимные посещения уроков, стажировка педагогов, совместный "
        "методический семинар"
    )


class PairForm(forms.Form):
    method = forms.IntegerField()
    rule = forms.IntegerField()
    deficit = forms.IntegerField()
    resource = forms.IntegerField()
    section = forms.IntegerField(label="Раздел черновика дорожной карты")
    description = forms.CharField(label="Мероприятие", required=False, max_length=4000)
    deadline_text = forms.CharField(label="Срок", required=False, max_length=300)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@heavy_read
def deficit_map_page(request):
    access = access_for(request.user)
    enforce(access.follows_execution, STAFF_ONLY)
    municipality = municipality_for(request.user, _int(request.GET.get("municipality")))
    method = current_method(request.user, municipality, _int(request.GET.get("method")))
    can_pair = access.can_pair_schools(municipality.pk)
    directions = deficit_map(method) if method is not None and method.computed_at else []
    sections = list(draft_sections(municipality)) if can_pair else []
    for direction in directions:
        for entry in direction.rules:
            matching = next((s for s in sections if s.direction_id and s.direction.code == direction.code), None)
            entry.default_section = matching or (sections[0] if sections else None)
            for pair in entry.pairs:
                pair.description = pair_description(
                    indicator_name=entry.indicator.name, slice_label=entry.slice_label,
                    deficit=pair.deficit.name, resource=pair.resource.name, practices=pair.resource.practices,
                )  # fmt: skip
    context = {
        "municipality": municipality,
        "municipalities": Municipality.objects.for_user(request.user).order_by("name"),
        "method": method,
        "methods": methods_for(request.user, municipality),
        "approved": method is not None and method.status == ZoningMethod.Status.APPROVED,
        "directions": directions,
        "clustering": clustering_for(municipality.pk, method.year) if method else None,
        "can_pair": can_pair,
        "sections": sections,
        "deadline": DEFAULT_DEADLINE,
        "counts": {
            "deficits": sum(len(e.deficits) for d in directions for e in d.rules),
            "resources": sum(len(e.resources) for d in directions for e in d.rules),
            "pairs": sum(len(e.pairs) for d in directions for e in d.rules),
        },
    }
    return render(request, "monitoring/deficits/map.html", context)


@login_required
@require_POST
def pair_measure(request):
    access = access_for(request.user)
    enforce(access.works_for_authority, PAIR_REFUSED)  # by role first; the method is looked up in the scope
    form = PairForm(request.POST)
    method = None
    if form.is_valid():
        method = get_object_or_404(ZoningMethod.objects.for_user(request.user), pk=form.cleaned_data["method"])
    municipality = method.municipality if method else municipality_for(request.user, None)
    enforce(access.can_pair_schools(municipality.pk), PAIR_REFUSED)
    back = f"{reverse('deficits:map')}?municipality={municipality.pk}" + (f"&method={method.pk}" if method else "")
    if method is None:
        messages.error(request, "Пара не выбрана: откройте карту дефицитов и ресурсов и выберите пару школ")
        return redirect(back)
    data = form.cleaned_data
    found = find_pair(method, data["rule"], data["deficit"], data["resource"])
    if found is None:
        messages.error(
            request,
            "Эта пара уже не на карте: у школы нет дефицита по показателю или у школы-ресурса нет лучшей практики",
        )
        return redirect(back)
    entry, pair = found
    earlier = pairs_made(method).get(frozenset((pair.deficit.organization_id, pair.resource.organization_id)))
    if earlier is not None:
        messages.error(
            request,
            f"Для пары «{pair.deficit.name}» — «{pair.resource.name}» мероприятие уже создано в "
            f"«{earlier.section.roadmap.title}»: измените его там, второе не создаётся",
        )
        return redirect(back)
    section = draft_sections(municipality).filter(pk=data["section"]).first()
    if section is None:
        messages.error(request, "Раздел черновика дорожной карты не найден: выберите раздел из списка")
        return redirect(back)
    schools = list(Organization.objects.filter(pk__in=[pair.deficit.organization_id, pair.resource.organization_id]))
    description = data["description"].strip() or pair_description(
        indicator_name=entry.indicator.name, slice_label=entry.slice_label,
        deficit=pair.deficit.name, resource=pair.resource.name, practices=pair.resource.practices,
    )  # fmt: skip
    try:
        with transaction.atomic():
            # The one measure builder (roadmaps.services.measures_build, through the zone targeting):
            # the measure is assigned to both schools of the pair and linked to the zoning method.
            targeted_measure_create(
                section=section, organizations=schools, by=request.user, description=description,
                deadline_text=data["deadline_text"].strip() or DEFAULT_DEADLINE, source_method=method,
                zone_colour=Colour.RED,
            )  # fmt: skip
    except (ValidationError, RoadmapStateError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect(back)
    messages.success(
        request,
        f"Мероприятие по паре «{pair.deficit.name}» — «{pair.resource.name}» добавлено в «{section.roadmap.title}» "
        "и назначено обеим школам",
    )
    return redirect(back)
