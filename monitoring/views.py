import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.audit.services import audit_record
from monitoring.forms import ConfirmForm, ResultUploadForm
from monitoring.models import ResultImport
from monitoring.readers import field_labels
from monitoring.readers.guide import FORMATS, PERSONAL_NOTE, accepted_layouts, guide_rows, template_xlsx
from monitoring.selectors import (
    import_municipalities,
    result_import_get,
    result_imports_for,
    same_file_imports,
    school_stats_for,
)
from monitoring.services import ResultImportError, header_mappings_save, result_import_create
from monitoring.tasks import APPLY_TASK, PREVIEW_TASK, result_import_job_start
from roadmaps.uploads import stored_file_response

PROBLEMS_SHOWN = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def results_home(request):
    municipalities = import_municipalities(request.user)
    form = ResultUploadForm(request.POST or None, request.FILES or None, municipalities=municipalities)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result_import = result_import_create(
                municipality=data["municipality"],
                data=data["file"].read(),
                filename=data["file"].name,
                kind=data["kind"],
                year=data["year"],
                subject=data["subject"],
                grade=data["grade"],
                format=data["format"],
                user=request.user,
            )
        except ResultImportError as error:
            form.add_error(None, str(error))
        else:
            result_import_job_start(result_import=result_import, task_name=PREVIEW_TASK, user=request.user)
            return redirect("results:import_detail", pk=result_import.pk)
    problems = request.GET.get("problems") == "1"
    page = Paginator(result_imports_for(request.user, problems=problems), 30).get_page(request.GET.get("page"))
    guides = [
        {"format": code, "title": title, "columns": guide_rows(code), "layouts": accepted_layouts(code)}
        for code, (title, _, _) in FORMATS.items()
    ]
    context = {"form": form, "page": page, "guides": guides, "personal_note": PERSONAL_NOTE, "problems": problems}
    return render(request, "monitoring/results_home.html", context)


@login_required
def import_template(request, format: str):
    """The template workbook of a results format, with the sheet that explains its columns."""
    import_municipalities(request.user)  # those who import: the authority's staff and administrators
    if format not in FORMATS:
        raise Http404
    response = HttpResponse(template_xlsx(format), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="shablon-{format}.xlsx"'
    return response


@login_required
def import_detail(request, pk: int):
    result_import = result_import_get(user=request.user, pk=pk)
    problems = result_import.problems or []
    context = {
        "imp": result_import,
        "job": result_import.job,
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_total": result_import.summary.get("problems_total", len(problems)),
        "problems_hidden": max(result_import.summary.get("problems_total", len(problems)) - PROBLEMS_SHOWN, 0),
        "confirm_form": ConfirmForm(),
        "column_fields": field_labels(result_import.format),
        "same_file": same_file_imports(result_import),
        "stats": school_stats_for(request.user, result_import=result_import)
        if result_import.status == ResultImport.Status.IMPORTED
        else None,
    }
    template = "monitoring/partials/import_status.html" if request.htmx else "monitoring/import_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request, pk: int):
    result_import = result_import_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST)
    accept_partial = form.is_valid() and form.cleaned_data["accept_partial"]
    if result_import.is_busy:
        messages.warning(request, "Файл ещё обрабатывается: дождитесь окончания задания")
    elif result_import.status not in {
        ResultImport.Status.PREVIEWED,
        ResultImport.Status.REJECTED,
        ResultImport.Status.FAILED,
    }:
        messages.warning(request, "Этот файл уже импортирован; загрузите новый файл, чтобы заменить результаты")
    else:
        result_import_job_start(
            result_import=result_import, task_name=APPLY_TASK, user=request.user, accept_partial=accept_partial
        )
    return redirect("results:import_detail", pk=result_import.pk)


@login_required
@require_POST
def import_recheck(request, pk: int):
    """Check the same file again, e.g. after the missing schools were added to the registry."""
    result_import = result_import_get(user=request.user, pk=pk)
    if result_import.is_busy:
        messages.warning(request, "Файл ещё обрабатывается: дождитесь окончания задания")
    elif result_import.status == ResultImport.Status.IMPORTED:
        messages.warning(request, "Этот файл уже импортирован; загрузите новый файл, чтобы заменить результаты")
    else:
        result_import_job_start(result_import=result_import, task_name=PREVIEW_TASK, user=request.user)
    return redirect("results:import_detail", pk=result_import.pk)


@login_required
@require_POST
def import_columns(request, pk: int):
    """Map the columns the check did not recognise, then check the file again with the mapping
    (which the municipality's later files get too)."""
    result_import = result_import_get(user=request.user, pk=pk)
    unknown = result_import.summary.get("unknown_columns") or []
    mapping = {}
    for number, header in enumerate(unknown):
        chosen = request.POST.get(f"field_{number}", "?")
        mapping[header] = None if chosen == "?" else chosen
    try:
        saved = header_mappings_save(result_import=result_import, mapping=mapping, by=request.user)
    except ResultImportError as error:
        messages.error(request, str(error))
        return redirect("results:import_detail", pk=result_import.pk)
    if not saved:
        messages.warning(request, "Ни один столбец не сопоставлен: выберите поле или «не использовать»")
    elif result_import.is_busy or result_import.status == ResultImport.Status.IMPORTED:
        messages.success(request, f"Сопоставлено столбцов: {saved}; они будут учтены при следующей загрузке")
    else:
        messages.success(request, f"Сопоставлено столбцов: {saved}; файл проверяется снова")
        result_import_job_start(result_import=result_import, task_name=PREVIEW_TASK, user=request.user)
    return redirect("results:import_detail", pk=result_import.pk)


def _content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


@login_required
def import_file(request, pk: int):
    """The kept copy of the upload: without children's names, birth dates and documents."""
    result_import = result_import_get(user=request.user, pk=pk)
    if not result_import.file:
        raise Http404("Файл не сохранён: его не удалось прочитать или он отклонён целиком")
    rewritten = bool((result_import.summary.get("kept") or {}).get("rewritten"))
    audit_record(
        action="export_personal",
        user=request.user,
        obj=result_import,
        request=request,
        detail={"file": "depersonalised" if rewritten else "original"},
    )
    # A workbook rewritten without names is an .xlsx whatever was uploaded (.xls, .ods).
    filename = Path(result_import.original_name).stem + Path(result_import.file.name).suffix
    return stored_file_response(result_import.file, name=filename, content_type=_content_type(filename), view=False)


@login_required
def import_rejected(request, pk: int):
    result_import = result_import_get(user=request.user, pk=pk)
    if not result_import.rejected_file:
        raise Http404("Отклонённых строк нет")
    stem = result_import.original_name.rsplit(".", 1)[0]
    audit_record(
        action="export_personal", user=request.user, obj=result_import, request=request, detail={"file": "rejected"}
    )
    filename = f"{stem}-отклонённые.xlsx"
    return stored_file_response(
        result_import.rejected_file, name=filename, content_type=_content_type(filename), view=False
    )
