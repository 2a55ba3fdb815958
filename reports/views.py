"""Pages «Печать и выгрузка» of a roadmap, orders (приказы), downloads of rendered files."""

import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.jobs.models import Job
from config.lib.preconditions import unmet
from monitoring.models import Recommendation, ZoningMethod
from reports import services
from reports.forms import (
    ExecutionReportForm,
    OrderForm,
    RoadmapImportForm,
    RoadmapImportNewForm,
    RoadmapWordImportForm,
    RoadmapWordImportNewForm,
)
from reports.models import ReportFile
from reports.selectors import order_for_user_or_404, order_items, orders_filtered, roadmap_for_user_or_404
from reports.services import document_request, roadmap_import_check, roadmap_import_check_docx, zoning_order_draft
from roadmaps.models import Measure, Order, Roadmap
from roadmaps.preconditions import roadmap_catalogue
from roadmaps.services import RoadmapStateError, order_save, order_sign
from roadmaps.uploads import stored_file_response
from roadmaps.word import FIELDS as WORD_FIELDS
from roadmaps.xlsx import RoadmapImportError
from schools.access import access_for, enforce
from schools.models import Organization

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {".pdf": PDF, ".xlsx": XLSX, ".docx": DOCX}
Kind = ReportFile.Kind


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document_response(request, outcome: ReportFile | Job):
    """The answer to a document request: the kept file, or the job rendering it. htmx gets the
    progress bar in place (it polls itself and offers the file when done) or the file's link; a plain
    request goes to the job's page or straight to the file. A job that already finished (inline, in
    the embedded set-up) serves its file at once."""
    if isinstance(outcome, Job):
        outcome.refresh_from_db()
        file_id = outcome.result.get("report_file_id") if outcome.status == Job.Status.SUCCEEDED else None
        if file_id is None:
            if request.htmx:
                return render(request, "jobs/partials/job_status.html", {"job": outcome})
            return redirect("jobs:detail", pk=outcome.pk)
        outcome = ReportFile.objects.get(pk=file_id)
    if request.htmx:
        return render(request, "reports/partials/document_ready.html", {"file": outcome})
    return redirect("reports:file", pk=outcome.pk)


def _default_period(roadmap: Roadmap) -> dict:
    return {"date_from": roadmap.period_start, "date_to": roadmap.period_end, "format": "pdf"}


IMPORT_REFUSED = "Загружать дорожные карты может методист или руководитель УО"


@login_required
def index(request):
    roadmaps = Roadmap.objects.for_user(request.user).select_related("owner").order_by("-period_start", "code", "title")
    access = access_for(request.user)
    context = {"roadmaps": roadmaps, "can_import": access.works_for_authority}
    return render(request, "reports/index.html", context)


@login_required
def roadmap_print(
    request,
    pk: int,
    *,
    import_form=None,
    problems=None,
    word_form=None,
    word_problems=None,
    execution_form=None,
    status=200,
):
    roadmap = roadmap_for_user_or_404(request.user, pk)
    context = {
        "roadmap": roadmap,
        "can_edit": access_for(request.user).can_change(roadmap),
        "import_form": import_form or RoadmapImportForm(),
        "problems": problems or [],
        "word_form": word_form or RoadmapWordImportForm(),
        "word_problems": word_problems or [],
        "execution_form": execution_form or ExecutionReportForm(initial=_default_period(roadmap)),
        "files": ReportFile.objects.for_user(request.user).filter(roadmap=roadmap)[:10],
        "measure_count": Measure.objects.filter(section__roadmap=roadmap).count(),
    }
    return render(request, "reports/roadmap_print.html", context, status=status)


@login_required
@require_POST
def roadmap_pdf(request, pk: int):
    roadmap = roadmap_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.ROADMAP_PDF, roadmap=roadmap, by=request.user))


@login_required
@require_POST
def roadmap_xlsx(request, pk: int):
    roadmap = roadmap_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.ROADMAP_XLSX, roadmap=roadmap, by=request.user))


@login_required
@require_POST
def roadmap_docx(request, pk: int):
    roadmap = roadmap_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.ROADMAP_DOCX, roadmap=roadmap, by=request.user))


IMPORT_SESSION_KEY = "reports_roadmap_imports"


def _stage_import(request, *, data: bytes, parsed, owner, target: Roadmap | None, kind: str = "xlsx"):
    """Keep the checked file until the person confirms the preview (dry run) of it."""
    token = uuid.uuid4().hex
    path = default_storage.save(f"reports/imports/{token}.{kind}", ContentFile(data))
    staged = request.session.get(IMPORT_SESSION_KEY, {})
    # a person previews one file at a time: earlier unconfirmed uploads are dropped with their files
    for entry in staged.values():
        default_storage.delete(entry["path"])
    entry = {"path": path, "owner_id": owner.pk, "roadmap_id": target.pk if target else None, "kind": kind}
    request.session[IMPORT_SESSION_KEY] = {token: entry}
    if kind == "docx":
        return _word_preview(request, token=token, preview=parsed, owner=owner, target=target)
    context = {"parsed": parsed, "token": token, "owner": owner, "target": target}
    return render(request, "reports/roadmap_import_preview.html", context)


def _word_preview(request, *, token, preview, owner, target, status=200):
    context = {
        "preview": preview,
        "parsed": preview.parsed,
        "token": token,
        "owner": owner,
        "target": target,
        "fields": WORD_FIELDS,
    }
    return render(request, "reports/roadmap_import_word_preview.html", context, status=status)


def _import_into(request, pk: int) -> tuple[Roadmap, Roadmap | None]:
    """The roadmap an upload (Excel or Word) is imported from: its contents are replaced when it is
    a draft (the second value), else a new draft of its owner is made. Only its editors may."""
    roadmap = roadmap_for_user_or_404(request.user, pk)
    enforce(
        access_for(request.user).can_change(roadmap),
        "Загружать дорожные карты может методист или руководитель УО муниципалитета",
    )
    return roadmap, roadmap if roadmap.status == Roadmap.Status.DRAFT else None


@login_required
@require_POST
def roadmap_import(request, pk: int):
    """Into this roadmap when it is a draft (its contents are replaced), else into a new draft.
    The upload is checked and previewed first; nothing is written until the person confirms."""
    roadmap, target = _import_into(request, pk)
    form = RoadmapImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return roadmap_print(request, pk, import_form=form, status=400)
    data = form.cleaned_data["file"].read()
    try:
        parsed = roadmap_import_check(data=data, by=request.user, owner=roadmap.owner)
    except RoadmapImportError as error:
        return roadmap_print(request, pk, import_form=form, problems=error.problems, status=400)
    return _stage_import(request, data=data, parsed=parsed, owner=roadmap.owner, target=target)


@login_required
def roadmap_import_new(request):
    enforce(access_for(request.user).works_for_authority, IMPORT_REFUSED)
    form = RoadmapImportNewForm(request.POST or None, request.FILES or None, user=request.user)
    problems = []
    if request.method == "POST" and form.is_valid():
        data, owner = form.cleaned_data["file"].read(), form.cleaned_data["owner"]
        try:
            parsed = roadmap_import_check(data=data, by=request.user, owner=owner)
        except RoadmapImportError as error:
            problems = error.problems
        else:
            return _stage_import(request, data=data, parsed=parsed, owner=owner, target=None)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "problems": problems, "preconditions": unmet(roadmap_catalogue())}
    return render(request, "reports/roadmap_import.html", context, status=status)


@login_required
@require_POST
def roadmap_import_word(request, pk: int):
    """«Загрузить из Word» on a roadmap: into it when it is a draft (its contents are replaced), else
    into a new draft; the preview comes first, as for a workbook."""
    roadmap, target = _import_into(request, pk)
    form = RoadmapWordImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return roadmap_print(request, pk, word_form=form, status=400)
    data = form.cleaned_data["file"].read()
    try:
        preview = roadmap_import_check_docx(data=data, by=request.user, owner=roadmap.owner)
    except RoadmapImportError as error:
        return roadmap_print(request, pk, word_form=form, word_problems=error.problems, status=400)
    return _stage_import(request, data=data, parsed=preview, owner=roadmap.owner, target=target, kind="docx")


@login_required
def roadmap_import_word_new(request):
    """«Загрузить из Word» on the list: a new draft of the chosen organisation."""
    enforce(access_for(request.user).works_for_authority, IMPORT_REFUSED)
    form = RoadmapWordImportNewForm(request.POST or None, request.FILES or None, user=request.user)
    problems = []
    if request.method == "POST" and form.is_valid():
        data, owner = form.cleaned_data["file"].read(), form.cleaned_data["owner"]
        try:
            preview = roadmap_import_check_docx(data=data, by=request.user, owner=owner)
        except RoadmapImportError as error:
            problems = error.problems
        else:
            return _stage_import(request, data=data, parsed=preview, owner=owner, target=None, kind="docx")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "problems": problems, "preconditions": unmet(roadmap_catalogue())}
    return render(request, "reports/roadmap_import_word.html", context, status=status)


def _staged(request, token: str, *, keep: bool):
    """The staged upload of this person's session with its bytes, owner and target, or None."""
    staged = request.session.get(IMPORT_SESSION_KEY, {})
    entry = staged.get(token) if keep else staged.pop(token, None)
    if not keep:
        request.session[IMPORT_SESSION_KEY] = staged
    if entry is None or not default_storage.exists(entry["path"]):
        return None
    with default_storage.open(entry["path"], "rb") as file:
        data = file.read()
    target = roadmap_for_user_or_404(request.user, entry["roadmap_id"]) if entry["roadmap_id"] else None
    owner = get_object_or_404(Organization, pk=entry["owner_id"])
    return entry, data, owner, target


def _posted_mapping(request) -> list[str] | None:
    columns = request.POST.getlist("column")
    return columns or None


@login_required
@require_POST
def roadmap_import_word_preview(request):
    """The preview again, with the columns as the person corrected them; the file stays staged."""
    enforce(access_for(request.user).works_for_authority, IMPORT_REFUSED)
    found = _staged(request, request.POST.get("token", ""), keep=True)
    if found is None:
        messages.error(request, "Загрузка не найдена или уже выполнена: загрузите файл ещё раз.")
        return redirect("reports:index")
    entry, data, owner, target = found
    try:
        preview = roadmap_import_check_docx(data=data, by=request.user, owner=owner, mapping=_posted_mapping(request))
    except RoadmapImportError as error:
        messages.error(request, f"Файл не прочитан с таким сопоставлением столбцов: {error}")
        preview = roadmap_import_check_docx(data=data, by=request.user, owner=owner)
        return _word_preview(
            request, token=request.POST["token"], preview=preview, owner=owner, target=target, status=400
        )
    return _word_preview(request, token=request.POST["token"], preview=preview, owner=owner, target=target)


@login_required
@require_POST
def roadmap_import_confirm(request):
    """«Загрузить» / «Создать черновик» under a preview: the staged workbook or document is imported
    by the one import service, a Word document with the columns of the preview."""
    enforce(access_for(request.user).works_for_authority, IMPORT_REFUSED)
    found = _staged(request, request.POST.get("token", ""), keep=False)
    if found is None:
        messages.error(request, "Загрузка не найдена или уже выполнена: загрузите файл ещё раз.")
        return redirect("reports:index")
    entry, data, owner, target = found
    default_storage.delete(entry["path"])
    kind = entry.get("kind", "xlsx")
    mapping = _posted_mapping(request) if kind == "docx" else None
    try:
        outcome = services.roadmap_import(
            data=data, kind=kind, by=request.user, roadmap=target, owner=owner, mapping=mapping
        )
    # the measures are built by roadmaps.services.measures_build, which refuses with its own error
    except (RoadmapImportError, RoadmapStateError) as error:
        messages.error(request, f"Файл не загружен: {error}")
        if target:
            return redirect("reports:roadmap", pk=target.pk)
        return redirect("reports:roadmap_import_word_new" if kind == "docx" else "reports:roadmap_import_new")
    if outcome.unchanged:
        messages.info(
            request, "Этот файл уже загружен в черновик, и черновик с тех пор не менялся: ничего не изменено."
        )
    else:
        what = "создан новый черновик" if outcome.created else "черновик заменён"
        messages.success(request, f"Загружено: разделов {outcome.sections}, мероприятий {outcome.measures}; {what}.")
    return redirect("reports:roadmap", pk=outcome.roadmap.pk)


@login_required
@require_POST
def roadmap_execution(request, pk: int):
    roadmap = roadmap_for_user_or_404(request.user, pk)
    form = ExecutionReportForm(request.POST)
    if not form.is_valid():
        return roadmap_print(request, pk, execution_form=form, status=400)
    data = form.cleaned_data
    params = {
        "date_from": data["date_from"].isoformat(),
        "date_to": data["date_to"].isoformat(),
        "as_of": timezone.localdate().isoformat(),
    }
    kind = Kind.EXECUTION_XLSX if data["format"] == "xlsx" else Kind.EXECUTION_PDF
    return _document_response(request, document_request(kind=kind, roadmap=roadmap, params=params, by=request.user))


@login_required
def file_download(request, pk: int):
    report = get_object_or_404(ReportFile.objects.for_user(request.user), pk=pk)
    content_type = CONTENT_TYPES.get(Path(report.filename).suffix.lower(), "application/octet-stream")
    return stored_file_response(report.file, name=report.filename, content_type=content_type, view=False)


# ------------------------------------------------------------------------------------------------
# Orders
# ------------------------------------------------------------------------------------------------


ORDERS_REFUSED = "Приказы готовят методисты и руководители органа управления образованием"


@login_required
def order_list(request):
    filterset, orders = orders_filtered(request.user, request.GET)
    can_create = access_for(request.user).works_for_authority
    context = {"orders": orders, "filter": filterset, "can_create": can_create}
    template = "reports/partials/order_rows.html" if request.htmx else "reports/order_list.html"
    return render(request, template, context)


@login_required
def order_create(request):
    enforce(access_for(request.user).works_for_authority, ORDERS_REFUSED)
    form = OrderForm(request.POST or None, user=request.user, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        order = order_save(by=request.user, **form.service_kwargs())
        messages.success(request, "Приказ сохранён.")
        return redirect("reports:order", pk=order.pk)
    return render(request, "reports/order_form.html", {"form": form}, status=400 if request.method == "POST" else 200)


@login_required
def order_edit(request, pk: int):
    order = order_for_user_or_404(request.user, pk)
    if not access_for(request.user).can_edit_municipality(order.organization.municipality_id):
        raise PermissionDenied("Изменять приказ может методист или руководитель УО его муниципалитета")
    if order.status == Order.Status.SIGNED:
        messages.error(request, "Подписанный приказ не изменяется.")
        return redirect("reports:order", pk=order.pk)
    form = OrderForm(request.POST or None, user=request.user, initial=OrderForm.initial_for(order))
    if request.method == "POST" and form.is_valid():
        order_save(by=request.user, order=order, **form.service_kwargs())
        messages.success(request, "Приказ сохранён.")
        return redirect("reports:order", pk=order.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/order_form.html", {"form": form, "order": order}, status=status)


@login_required
def order_detail(request, pk: int):
    order = order_for_user_or_404(request.user, pk)
    context = {
        "order": order,
        "items": order_items(order),
        "appendices": order.approved.select_related("roadmap").order_by("appendix_number"),
        "can_edit": access_for(request.user).can_edit_municipality(order.organization.municipality_id),
        "files": ReportFile.objects.for_user(request.user).filter(order=order)[:10],
    }
    return render(request, "reports/order_detail.html", context)


@login_required
@require_POST
def order_pdf(request, pk: int):
    order = order_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.ORDER_PDF, order=order, by=request.user))


@login_required
@require_POST
def order_docx(request, pk: int):
    order = order_for_user_or_404(request.user, pk)
    return _document_response(request, document_request(kind=Kind.ORDER_DOCX, order=order, by=request.user))


@login_required
@require_POST
def order_sign_view(request, pk: int):
    order = order_for_user_or_404(request.user, pk)
    try:
        order_sign(order=order, by=request.user)
    except RoadmapStateError as error:
        messages.error(request, str(error))
    else:
        approved = order.approved.count()
        messages.success(
            request,
            f"Приказ отмечен как подписанный; утверждено дорожных карт: {approved}."
            if approved
            else "Приказ отмечен как подписанный.",
        )
    return redirect("reports:order", pk=order.pk)


@login_required
@require_POST
def effectiveness_pdf(request, pk: int):
    """The analysis of the measures targeted from a method's zones: staff and viewers (it names schools)."""
    enforce(
        access_for(request.user).follows_execution,
        "Анализ эффективности мер доступен сотрудникам органа управления образованием",
    )
    method = get_object_or_404(ZoningMethod.objects.for_user(request.user).select_related("municipality"), pk=pk)
    return _document_response(request, document_request(kind=Kind.EFFECTIVENESS_PDF, method=method, by=request.user))


@login_required
@require_POST
def zoning_order(request, pk: int):
    """Draft (or redraft, while unsigned) the order on the results of an approved method's zones."""
    enforce(
        access_for(request.user).follows_execution,
        "Приказ об итогах готовят сотрудники органа управления образованием",
    )
    method = get_object_or_404(ZoningMethod.objects.for_user(request.user).select_related("results_order"), pk=pk)
    try:
        order = zoning_order_draft(method=method, by=request.user)
    except RoadmapStateError as error:
        messages.error(request, str(error))
        return redirect("monitoring:method", pk=method.pk)
    messages.success(request, "Проект приказа об итогах подготовлен по зонам методики: проверьте пункты, номер и дату")
    return redirect("reports:order", pk=order.pk)


@login_required
@require_POST
def recommendation_pdf(request, pk: int):
    """A recommendation with every addressee's answer: for the authority's staff and viewers."""
    enforce(
        access_for(request.user).follows_execution,
        "Документ рекомендации со всеми адресатами доступен сотрудникам органа управления образованием",
    )
    recommendation = get_object_or_404(
        Recommendation.objects.for_user(request.user).select_related("municipality"), pk=pk
    )
    return _document_response(
        request, document_request(kind=Kind.RECOMMENDATION_PDF, recommendation=recommendation, by=request.user)
    )


@login_required
@require_POST
def zoning_pdf(request, pk: int):
    """Zoning report of a method: for the authority's staff and viewers (it lists every school)."""
    enforce(
        access_for(request.user).follows_execution,
        "Отчёт о зонировании доступен сотрудникам органа управления образованием",
    )
    method = get_object_or_404(ZoningMethod.objects.for_user(request.user).select_related("municipality"), pk=pk)
    return _document_response(request, document_request(kind=Kind.ZONING_PDF, method=method, by=request.user))
