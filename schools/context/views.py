"""The page of the schools' context data: the year's table, the template, upload, preview, confirm."""

import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.lib.untrusted.forms import UntrustedFileField
from config.lib.years import current_academic_year
from schools.access import access_for, enforce
from schools.context.services import COLUMNS, IMPORT_REFUSED, ContextImportError, context_import, context_template
from schools.models import Municipality, SchoolContext

CONTEXT_MAX_BYTES = 10 << 20
SESSION_KEY = "context_upload"
UPLOAD_DIR = "context-uploads"
READ_REFUSED = "Контекстные данные школ доступны сотрудникам органа управления образованием и руководителям школ"


class ContextUploadForm(forms.Form):
    year = forms.IntegerField(
        label="Учебный год (год окончания, например 2026 для 2025/2026)", min_value=2000, max_value=2100
    )
    file = UntrustedFileField(label="Книга контекстных данных (.xlsx, .xls, .ods, .csv)", max_bytes=CONTEXT_MAX_BYTES)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _municipality(request, value) -> Municipality:
    visible = Municipality.objects.for_user(request.user)
    if value:
        return get_object_or_404(visible, pk=value)
    access = access_for(request.user)
    own = access.municipality_ids | access.director_municipality_ids
    found = (visible.filter(pk__in=own) if own else visible).order_by("pk").first()
    if found is None:
        raise Http404("Нет доступного муниципалитета")
    return found


@login_required
def context_page(request):
    access = access_for(request.user)
    enforce(access.reads_context, READ_REFUSED)
    municipality = _municipality(request, _int(request.GET.get("municipality") or request.POST.get("municipality")))
    year = _int(request.GET.get("year") or request.POST.get("year")) or current_academic_year()
    can_import = access.can_import_context(municipality.pk)
    form = None
    context = {"municipality": municipality, "year": year, "can_import": can_import, "columns": COLUMNS}
    if can_import:
        form = ContextUploadForm(request.POST or None, request.FILES or None, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
            data = upload.read()
            try:
                outcome = context_import(
                    data=data, filename=upload.name, municipality=municipality, year=year, by=request.user, dry_run=True
                )
            except ContextImportError as error:
                form.add_error("file", str(error))
            else:
                token = uuid.uuid4().hex
                suffix = Path(upload.name).suffix.lower()[:6]
                stored = default_storage.save(f"{UPLOAD_DIR}/{token}{suffix}", ContentFile(data))
                request.session[SESSION_KEY] = {
                    "token": token, "name": upload.name, "municipality": municipality.pk, "year": year, "stored": stored,
                }  # fmt: skip
                context.update(outcome=outcome, filename=upload.name, token=token, year=year)
    elif request.method == "POST":
        enforce(False, IMPORT_REFUSED)
    rows = (
        SchoolContext.objects.for_user(request.user)
        .filter(organization__municipality=municipality, year=year)
        .select_related("organization")
        .order_by("organization__code")
    )
    years = (
        SchoolContext.objects.for_user(request.user)
        .filter(organization__municipality=municipality)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    context.update(
        form=form,
        rows=list(rows),
        years=list(years),
        municipalities=Municipality.objects.for_user(request.user).order_by("name"),
    )
    return render(request, "schools/context.html", context)


@login_required
@require_POST
def context_confirm(request):
    access = access_for(request.user)
    enforce(access.works_for_authority, IMPORT_REFUSED)
    pending = request.session.get(SESSION_KEY) or {}
    municipality = Municipality.objects.for_user(request.user).filter(pk=pending.get("municipality")).first()
    back = reverse("context:page")
    if municipality is None or request.POST.get("token") != pending.get("token"):
        messages.error(request, "Файл для загрузки не найден: загрузите его снова")
        return redirect(back)
    enforce(access.can_import_context(municipality.pk), IMPORT_REFUSED)
    back = f"{back}?municipality={municipality.pk}&year={pending['year']}"
    try:
        with default_storage.open(pending["stored"], "rb") as kept:
            data = kept.read()
        outcome = context_import(
            data=data, filename=pending["name"], municipality=municipality, year=pending["year"], by=request.user,
            dry_run=False,
        )  # fmt: skip
    except FileNotFoundError:
        messages.error(request, "Файл для загрузки не найден: загрузите его снова")
        return redirect(back)
    except ContextImportError as error:
        messages.error(request, f"Загрузка не выполнена: {error}")
        return redirect(back)
    finally:
        request.session.pop(SESSION_KEY, None)
    default_storage.delete(pending["stored"])
    if outcome.has_errors:
        messages.error(request, "В файле есть ошибки: ничего не записано. Исправьте строки и загрузите файл снова")
    else:
        messages.success(
            request,
            f"Контекстные данные за {outcome.year - 1}/{outcome.year} учебный год сохранены: добавлено "
            f"{outcome.count('new')}, изменено {outcome.count('update')}, без изменений {outcome.count('skip')}",
        )
    return redirect(back)


@login_required
def context_template_download(request):
    municipality = _municipality(request, _int(request.GET.get("municipality")))
    enforce(access_for(request.user).can_import_context(municipality.pk), IMPORT_REFUSED)
    year = _int(request.GET.get("year")) or current_academic_year()
    response = HttpResponse(
        context_template(municipality=municipality, year=year),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="context_{year}.xlsx"'
    return response
