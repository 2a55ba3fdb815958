"""The methodist's page for the registry of organisations: export, upload, preview, confirm."""

import uuid
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.lib.untrusted.forms import UntrustedFileField
from schools.access import access_for, enforce
from schools.models import Municipality
from schools.registry import RegistryImportError, registry_export, registry_import

#: A registry of a region's organisations is a few hundred kilobytes.
REGISTRY_MAX_BYTES = 10 << 20

SESSION_KEY = "registry_upload"
UPLOAD_DIR = "registry-uploads"


def _municipalities(user):
    enforce(
        access_for(user).works_for_authority, "Реестр организаций ведут методисты и руководители управления образования"
    )
    return Municipality.objects.managed_by(user)


class RegistryUploadForm(forms.Form):
    file = UntrustedFileField(label="Книга реестра (.xlsx, .xls, .ods, .csv)", max_bytes=REGISTRY_MAX_BYTES)
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=Municipality.objects.none())

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()
            self.fields["municipality"].widget = forms.HiddenInput()
            self.fields["municipality"].required = False
            self._only_municipality = municipalities.first()

    def clean_municipality(self):
        return self.cleaned_data.get("municipality") or getattr(self, "_only_municipality", None)


def _upload_name(token: str, filename: str) -> str:
    """Where the checked file waits for the confirmation: in the file storage, since the
    confirming request may reach another web host."""
    suffix = Path(filename).suffix.lower()[:6]
    return f"{UPLOAD_DIR}/{token}{suffix}"


@login_required
def registry(request):
    municipalities = _municipalities(request.user)
    form = RegistryUploadForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    context = {"form": form, "municipalities": municipalities}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        municipality = form.cleaned_data["municipality"]
        data = upload.read()
        try:
            outcome = registry_import(data=data, filename=upload.name, municipality=municipality, dry_run=True)
        except RegistryImportError as error:
            form.add_error("file", str(error))
        else:
            token = uuid.uuid4().hex
            stored = default_storage.save(_upload_name(token, upload.name), ContentFile(data))
            request.session[SESSION_KEY] = {
                "token": token,
                "name": upload.name,
                "municipality": municipality.pk,
                "stored": stored,
            }
            context.update(outcome=outcome, municipality=municipality, filename=upload.name)
    return render(request, "schools/registry.html", context)


@login_required
@require_POST
def registry_confirm(request):
    municipalities = _municipalities(request.user)
    pending = request.session.get(SESSION_KEY)
    municipality = municipalities.filter(pk=(pending or {}).get("municipality")).first()
    if not pending or municipality is None or request.POST.get("token") != pending["token"]:
        messages.error(request, "Файл для импорта не найден: загрузите его снова")
        return redirect("registry:organizations")
    stored = pending.get("stored") or _upload_name(pending["token"], pending["name"])
    try:
        with default_storage.open(stored, "rb") as kept:
            data = kept.read()
        outcome = registry_import(data=data, filename=pending["name"], municipality=municipality, dry_run=False)
    except FileNotFoundError:
        messages.error(request, "Файл для импорта не найден: загрузите его снова")
        return redirect("registry:organizations")
    except RegistryImportError as error:
        messages.error(request, f"Импорт не выполнен: {error}")
        return redirect("registry:organizations")
    finally:
        request.session.pop(SESSION_KEY, None)
    default_storage.delete(stored)
    if outcome.has_errors:
        messages.error(request, "В файле есть ошибки: ничего не записано. Исправьте строки и загрузите файл снова")
    else:
        messages.success(
            request,
            f"Реестр обновлён: создано {outcome.new}, изменено {outcome.updated}, без изменений {outcome.skipped}",
        )
    return redirect("registry:organizations")


@login_required
def registry_download(request):
    municipalities = _municipalities(request.user)
    municipality = municipalities.filter(pk=request.GET.get("municipality")).first() or municipalities.first()
    if municipality is None:
        raise PermissionDenied("Нет муниципалитета для выгрузки")
    response = HttpResponse(
        registry_export(municipality=municipality),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="registry.xlsx"'
    return response
