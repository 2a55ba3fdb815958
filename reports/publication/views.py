"""The open page (no login): each municipality's published documents, zoning summaries and
indicator values, an Atom feed and CSV/JSON of the values; and the official's publishing actions."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from config.lib.xlsx import csv_text
from monitoring.analysis.selectors import municipality_for
from monitoring.models import IndicatorValue, ZoningMethod
from reports.models import Publication, ReportFile
from reports.publication import selectors, services
from schools.access import access_for, enforce

# --- the open page ---------------------------------------------------------------------------------


def public_index(request):
    return render(request, "public/index.html", {"municipalities": selectors.public_municipalities()})


def public_municipality(request, pk: int):
    municipality = selectors.public_municipality(pk)
    items = list(selectors.public_items(municipality))
    zonings = [(item, selectors.zoning_summary(item.zoning_method)) for item in items if item.kind == "zoning"]
    return render(
        request,
        "public/municipality.html",
        {
            "municipality": municipality,
            "documents": [item for item in items if item.kind == "document"],
            "zonings": zonings,
            "indicators": [item for item in items if item.kind == "indicators"],
            "min_group": selectors.MIN_GROUP,
        },
    )


def public_file(request, pk: int):
    publication = selectors.public_publication(pk, Publication.Kind.DOCUMENT)
    try:
        handle = publication.file.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("Файл не найден в хранилище") from error
    response = FileResponse(
        handle, as_attachment=False, filename=publication.file.filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_values(request, pk: int, fmt: str):
    municipality = selectors.public_municipality(pk)
    rows = selectors.public_values(municipality)
    if fmt == "json":
        body = json.dumps({"municipality": municipality.name, "values": rows}, ensure_ascii=False, indent=1)
        return HttpResponse(body, content_type="application/json; charset=utf-8")
    if fmt != "csv":
        raise Http404("Форматы выгрузки: csv и json")
    text = csv_text(
        selectors.VALUE_COLUMNS, ([row[column] for column in selectors.VALUE_COLUMNS] for row in rows), delimiter=";"
    )
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicators-{municipality.pk}.csv"'
    return response


class PublicationsFeed(Feed):
    """Atom: what was published last, across municipalities."""

    feed_type = Atom1Feed
    title = "МУКО: опубликованные документы и итоги"
    subtitle = "Дорожные карты, приказы, адресные рекомендации, аналитические справки, итоги зонирования и значения показателей"

    def link(self):
        return reverse("public:index")

    def items(self):
        return Publication.objects.public().select_related("municipality").order_by("-published_at")[:50]

    def item_title(self, item):
        return f"{item.municipality.name}: {item.title}"

    def item_description(self, item):
        return f"{item.get_kind_display()}, опубликовано {item.published_at:%d.%m.%Y}"

    def item_link(self, item):
        return f"{reverse('public:municipality', args=[item.municipality_id])}#publication-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at


# --- publishing (officials) --------------------------------------------------------------------------


def _done(request, action, back: str):
    try:
        action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Опубликовано на открытой странице муниципалитета")
    return redirect(back)


@login_required
def publication_list(request):
    access = access_for(request.user)
    enforce(access.works_for_authority or access.is_admin, "Публикации ведёт орган управления образованием")
    municipality = municipality_for(request.user, _int(request.GET.get("municipality")))
    publications = Publication.objects.for_user(request.user).filter(municipality=municipality)
    years = sorted(set(IndicatorValue.objects.filter(municipality=municipality).values_list("year", flat=True)))
    return render(
        request,
        "reports/publications.html",
        {
            "municipality": municipality,
            "publications": publications.select_related("published_by", "withdrawn_by"),
            "years": years,
            "can_publish": access.can_approve_in(municipality.pk),
        },
    )


@login_required
@require_POST
def publish_file(request, pk: int):
    report = get_object_or_404(ReportFile.objects.for_user(request.user), pk=pk)
    back = request.POST.get("next") or reverse("reports:publications")
    return _done(request, lambda: services.publication_of_file(report=report, by=request.user), _safe(back))


@login_required
@require_POST
def publish_zoning(request, pk: int):
    method = get_object_or_404(ZoningMethod.objects.for_user(request.user), pk=pk)
    back = reverse("monitoring:method", args=[method.pk])
    return _done(request, lambda: services.publication_of_zoning(method=method, by=request.user), back)


@login_required
@require_POST
def publish_indicators(request):
    municipality = municipality_for(request.user, _int(request.POST.get("municipality")))
    year = request.POST.get("year", "")
    back = f"{reverse('reports:publications')}?municipality={municipality.pk}"
    if not year.isdigit():
        enforce(access_for(request.user).can_approve_in(municipality.pk), services.PUBLISH_REFUSED)
        messages.error(request, "Выберите учебный год")
        return redirect(back)
    return _done(
        request,
        lambda: services.publication_of_indicators(municipality=municipality, year=int(year), by=request.user),
        back,
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    publication = get_object_or_404(Publication.objects.for_user(request.user), pk=pk)
    services.publication_withdraw(publication=publication, by=request.user)
    messages.success(request, f"Снято с публикации: {publication.title}")
    return redirect(f"{reverse('reports:publications')}?municipality={publication.municipality_id}")


def _int(value) -> int | None:
    """A number from the query, or None for anything else (the person's own municipality is used)."""
    return int(value) if value and str(value).isdigit() else None


def _safe(url: str) -> str:
    """Back to a page of this site only."""
    return url if url.startswith("/") and not url.startswith("//") else reverse("reports:publications")
