import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.http import require_POST

from config.lib.fragments import EXECUTION, INDICATORS, ORGANIZATIONS, ROADMAPS, fragment
from config.lib.preconditions import unmet
from roadmaps import preconditions, services
from roadmaps.attainment import shows_attainment
from roadmaps.deadlines import parse_deadline
from roadmaps.document import stamp_lines
from roadmaps.execution.state import with_state
from roadmaps.forms import (
    ApproveForm,
    AssignForm,
    CopyForm,
    MeasureForm,
    ReturnForm,
    RoadmapForm,
    SectionForm,
)
from roadmaps.models import (
    CycleStage,
    Direction,
    EvidenceKind,
    ExecutorKind,
    FunctionType,
    Measure,
    Order,
    Roadmap,
    Section,
)
from roadmaps.selectors import (
    assignment_picker,
    roadmap_diff,
    roadmap_get,
    roadmap_history,
    roadmap_versions,
    roadmaps_filtered,
)
from roadmaps.table import deadline_summary, has_levels, roadmap_table, section_block, table_row
from schools.access import access_for, enforce
from schools.models import Organization


@login_required
def catalogue(request):
    user = request.user
    return render(
        request,
        "roadmaps/catalogue.html",
        {
            "directions": Direction.objects.for_user(user).select_related("group").prefetch_related("tracks"),
            "function_types": FunctionType.objects.for_user(user).prefetch_related(
                "steps__stage", "steps__executor_kinds", "steps__evidence_kinds"
            ),
            "stages": CycleStage.objects.for_user(user),
            "evidence_kinds": EvidenceKind.objects.for_user(user),
            "executor_kinds": ExecutorKind.objects.for_user(user),
            "preconditions": unmet(preconditions.roadmap_catalogue()),
        },
    )


# ---------------------------------------------------------------------------------------------
# Helpers: who may do what with a roadmap
# ---------------------------------------------------------------------------------------------


def owners_for(user):
    """Organisations whose roadmaps the person starts: those of the municipalities they manage
    (authority, methodical service, schools); for the region's staff, their regional organisations."""
    access = access_for(user)
    queryset = Organization.objects.managed_by(user).filter(
        kind__in=[Organization.Kind.AUTHORITY, Organization.Kind.METHODICAL, Organization.Kind.SCHOOL]
    )
    if access.is_admin or access.regions:
        regional = Organization.objects.filter(kind=Organization.Kind.REGIONAL, municipality__isnull=True)
        queryset = queryset | (regional if access.is_admin else regional.filter(region__in=access.regions))
    return queryset.select_related("municipality").order_by("kind", "short_name")


def service_errors(view):
    """A refused write shows its Russian message: on the page, or as the htmx response."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.RoadmapStateError as error:
            if request.htmx:
                return HttpResponse(
                    f'<div class="alert alert-danger my-2" role="alert">{escape(str(error))}</div>',
                    status=200,
                    headers={"HX-Retarget": "#roadmap-alerts", "HX-Reswap": "innerHTML"},
                )
            messages.error(request, str(error))
            pk = kwargs.get("pk") or kwargs.get("roadmap_pk")
            if pk is None and "section_pk" in kwargs:
                pk = Section.objects.filter(pk=kwargs["section_pk"]).values_list("roadmap_id", flat=True).first()
            if pk is None and "measure_pk" in kwargs:
                pk = (
                    Measure.objects.filter(pk=kwargs["measure_pk"])
                    .values_list("section__roadmap_id", flat=True)
                    .first()
                )
            return redirect("roadmaps:detail", pk=pk) if pk else redirect("roadmaps:list")

    return wrapper


def _section_for(user, pk) -> Section:
    """A section of a roadmap the person sees; 404 otherwise (looked up within the scope)."""
    visible = Section.objects.filter(roadmap__in=Roadmap.objects.for_user(user))
    return get_object_or_404(visible.select_related("roadmap__owner", "direction", "function_type"), pk=pk)


def _measure_for(user, pk) -> Measure:
    visible = Measure.objects.filter(section__roadmap__in=Roadmap.objects.for_user(user))
    return get_object_or_404(visible.select_related("section__roadmap__owner", "section__direction", "stage"), pk=pk)


def _table_response(request, roadmap):
    return render(request, "roadmaps/partials/table.html", _table_context(request, roadmap))


def _table_context(request, roadmap):
    return {
        "roadmap": roadmap,
        "blocks": roadmap_table(roadmap),
        "editable": access_for(request.user).can_edit(roadmap),
        "measure_urls": measure_urls(),
    }


def _section_response(request, section: Section, *, place: str = "", control: str = ""):
    """The section's rows, renumbered, in place of its old ones: a move, an add or a delete changes
    the numbers of this section only, and swapping the whole table threw the view and the focus away."""
    context = {
        "block": section_block(section),
        "levels": has_levels(section.roadmap),
        "editable": True,  # the views that answer with it asked `can_edit` first
        "measure_urls": measure_urls(),
    }
    response = render(request, "roadmaps/partials/section_rows.html", context)
    response["HX-Retarget"], response["HX-Reswap"] = f"#section-{section.pk}", "outerHTML"
    return _keep_place(response, place, control)


def _keep_place(response, place: str, control: str = ""):
    """Tell the editor (static/js/roadmaps.js) which row was acted on: once the swap settles, it
    brings the row into view and puts the focus on it, or on its `data-control` button."""
    if place:
        response["HX-Trigger-After-Settle"] = json.dumps({"roadmap-place": {"row": place, "control": control}})
    return response


def measure_urls() -> str:
    """ "/roadmaps/measures/": rows build their action URLs from it (one reverse() per page, not five per row)."""
    return reverse("roadmaps:measure_row", args=[0]).removesuffix("0/")


# ---------------------------------------------------------------------------------------------
# Roadmaps
# ---------------------------------------------------------------------------------------------


@login_required
def roadmap_list(request):
    filterset, roadmaps = roadmaps_filtered(request.user, request.GET)
    page = Paginator(roadmaps.order_by("-period_start", "title", "-version"), 30).get_page(request.GET.get("page"))
    access = access_for(request.user)
    context = {
        "filter": filterset,
        "page": page,
        "total": page.paginator.count,
        "can_create": access.creates_roadmaps,
    }
    template = "roadmaps/partials/roadmap_rows.html" if request.htmx else "roadmaps/roadmap_list.html"
    return render(request, template, context)


@login_required
@service_errors
def roadmap_create(request):
    owners = owners_for(request.user)
    if not owners.exists():
        raise PermissionDenied
    form = RoadmapForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        roadmap = services.roadmap_create(by=request.user, **data)
        messages.success(request, "Дорожная карта создана. Добавьте разделы и мероприятия.")
        return redirect("roadmaps:detail", pk=roadmap.pk)
    context = {"form": form, "roadmap": None, "preconditions": unmet(preconditions.roadmap_catalogue())}
    return render(request, "roadmaps/roadmap_form.html", context)


@login_required
@service_errors
def roadmap_update(request, pk: int):
    roadmap = roadmap_get(user=request.user, pk=pk)
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    form = RoadmapForm(request.POST or None, instance=roadmap, owners=owners_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("owner")  # the owner of an existing roadmap stays
        # ModelForm wrote the values onto the instance already; the service re-reads the row.
        services.roadmap_update(roadmap=Roadmap.objects.get(pk=pk), by=request.user, **data)
        messages.success(request, "Сведения о дорожной карте сохранены")
        return redirect("roadmaps:detail", pk=roadmap.pk)
    return render(request, "roadmaps/roadmap_form.html", {"form": form, "roadmap": roadmap})


@login_required
@require_POST
@service_errors
def roadmap_delete(request, pk: int):
    roadmap = roadmap_get(user=request.user, pk=pk)
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    services.roadmap_delete(roadmap=roadmap, by=request.user)
    messages.success(request, "Черновик дорожной карты удалён")
    return redirect("roadmaps:list")


def _needs_dates(blocks) -> list[str]:
    return [
        row.number
        for block in blocks
        for row in block.rows
        if (row.measure.deadline or {}).get("kind") == "needs_dates"
    ]


def _read_only_table(roadmap: Roadmap, *, can_assign: bool) -> str:
    """The table of a roadmap the person may not edit, the same for everyone who sees it, so it
    is rendered once per version of the plans (a region's 300 measures: 60 ms) and then cached."""

    def render_table():
        context = {
            "blocks": roadmap_table(roadmap),
            "editable": False,
            "can_assign": can_assign,
            "measure_urls": measure_urls(),
        }
        return render_to_string("roadmaps/partials/table.html", context)

    topics = [ROADMAPS, ORGANIZATIONS]
    if shows_attainment(roadmap):
        # what was achieved against the targets changes with execution and computed indicators
        topics += [EXECUTION, INDICATORS]
    return fragment("roadmap-table", (roadmap.pk, can_assign), topics, render_table)


@login_required
def roadmap_detail(request, pk: int):
    roadmap = roadmap_get(user=request.user, pk=pk)
    access = access_for(request.user)
    editable = access.can_edit(roadmap)
    is_editor = access.can_change(roadmap)
    can_assign = is_editor and roadmap.status in (Roadmap.Status.DRAFT, Roadmap.Status.APPROVED)
    # The editor's table carries their CSRF token: rendered by the page itself, never cached. The
    # «dates not recognised» warning is for editors only.
    blocks = roadmap_table(roadmap) if editable else ()
    can_decide = access.can_approve(roadmap) and roadmap.status == Roadmap.Status.ON_APPROVAL
    # approving signs the draft order that already includes the roadmap, if there is one
    draft_order = (
        roadmap.orders.filter(status=Order.Status.DRAFT).order_by("-date", "-pk").first() if can_decide else None
    )
    context = {
        "roadmap": roadmap,
        "blocks": blocks,
        "table": None if editable else _read_only_table(roadmap, can_assign=can_assign),
        "needs_dates": _needs_dates(blocks),
        "measure_urls": measure_urls(),
        "editable": editable,
        "can_submit": is_editor and roadmap.status == Roadmap.Status.DRAFT,
        "can_decide": can_decide,
        "can_amend": is_editor and roadmap.status == Roadmap.Status.APPROVED,
        "can_copy": is_editor,
        "can_assign": can_assign,
        "is_regional": roadmap.level == Roadmap.Level.REGIONAL and roadmap.owner.municipality_id is None,
        "can_cascade": access.can_cascade(roadmap),
        "section_form": SectionForm() if editable else None,
        "directions": Direction.objects.prefetch_related("tracks") if editable else (),
        "function_types": FunctionType.objects.all() if editable else (),
        "approve_form": ApproveForm(initial=ApproveForm.initial_for(roadmap, draft_order)) if can_decide else None,
        "draft_order": draft_order,
        "stamp_lines": stamp_lines(roadmap)[1],
        "return_form": ReturnForm(),
        "copy_form": CopyForm(),
        # the editor's direction and function sections, their steps and executors come from it
        "preconditions": unmet(preconditions.roadmap_catalogue()) if editable else [],
    }
    return render(request, "roadmaps/roadmap_detail.html", context)


@login_required
def roadmap_history_view(request, pk: int):
    roadmap = roadmap_get(user=request.user, pk=pk)
    template = "roadmaps/partials/history.html" if request.htmx else "roadmaps/roadmap_history.html"
    return render(request, template, {"roadmap": roadmap, "entries": roadmap_history(roadmap)})


@login_required
def roadmap_versions_view(request, pk: int):
    roadmap = roadmap_get(user=request.user, pk=pk)
    visible = set(Roadmap.objects.for_user(request.user).values_list("pk", flat=True))
    versions = [v for v in roadmap_versions(roadmap) if v.pk in visible]
    other_pk = request.GET.get("compare")
    diff, other = None, None
    if other_pk:
        other = roadmap_get(user=request.user, pk=int(other_pk)) if other_pk.isdigit() else None
    elif roadmap.amends_id and roadmap.amends_id in visible:
        other = roadmap.amends
    if other is not None and other.pk != roadmap.pk:
        old, new = (other, roadmap) if (other.version, other.pk) < (roadmap.version, roadmap.pk) else (roadmap, other)
        diff = {"old": old, "new": new, "result": roadmap_diff(old, new)}
    template = "roadmaps/partials/versions.html" if request.htmx else "roadmaps/roadmap_versions.html"
    context = {
        "roadmap": roadmap,
        "versions": versions,
        "diff": diff,
        "with_history": bool(request.GET.get("with_history")),
    }
    return render(request, template, context)


def roadmap_action(capability: str, refused: str | None = None):
    """A POST action on one roadmap: signed in, POST only, the service's refusals shown as messages,
    the roadmap found in the person's scope and `Access.<capability>(roadmap)` asked once (refused
    with ``refused``, or a bare 403). The view gets the roadmap instead of its pk."""

    def decorate(view):
        @login_required
        @require_POST
        @service_errors
        @wraps(view)
        def wrapper(request, pk: int):
            roadmap = roadmap_get(user=request.user, pk=pk)
            allowed = getattr(access_for(request.user), capability)(roadmap)
            if not allowed and refused is None:
                raise PermissionDenied
            enforce(allowed, refused or "")
            return view(request, roadmap)

        return wrapper

    return decorate


def form_errors(form) -> str:
    """A refused form in one line: «Поле: ошибка; …», the errors of the whole form last."""
    parts = [
        f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items() if name in form.fields
    ]
    return "; ".join([*parts, *form.non_field_errors()])


# ---------------------------------------------------------------------------------------------
# Workflow
# ---------------------------------------------------------------------------------------------


@roadmap_action("can_change")
def roadmap_submit(request, roadmap):
    services.roadmap_submit(roadmap=roadmap, by=request.user)
    messages.success(request, "Дорожная карта отправлена на утверждение")
    return redirect("roadmaps:detail", pk=roadmap.pk)


@roadmap_action("can_approve", services.APPROVE_REFUSED)
def roadmap_approve(request, roadmap):
    form = ApproveForm(request.POST)
    if not form.is_valid():
        raise services.RoadmapStateError(f"Утверждение не выполнено — {form_errors(form)}")
    order = services.roadmap_approve(roadmap=roadmap, by=request.user, **form.cleaned_data).approval_order
    others = order.approved.exclude(roadmap=roadmap).count()
    also = f"; тем же приказом утверждено ещё дорожных карт: {others}" if others else ""
    messages.success(request, f"Дорожная карта утверждена: {order}{also}")
    return redirect("roadmaps:detail", pk=roadmap.pk)


@roadmap_action("can_approve", services.APPROVE_REFUSED)
def roadmap_return(request, roadmap):
    services.roadmap_return(roadmap=roadmap, by=request.user, comment=request.POST.get("comment", ""))
    messages.success(request, "Дорожная карта возвращена на доработку")
    return redirect("roadmaps:detail", pk=roadmap.pk)


@roadmap_action("can_change")
def roadmap_amend(request, roadmap):
    amendment = services.roadmap_amend(roadmap=roadmap, by=request.user)
    messages.success(request, f"Создан проект изменений — версия {amendment.version}")
    return redirect("roadmaps:detail", pk=amendment.pk)


@roadmap_action("can_change")
def roadmap_copy(request, roadmap):
    form = CopyForm(request.POST)
    if not form.is_valid():
        raise services.RoadmapStateError(f"Копирование не выполнено — {form_errors(form)}")
    copy, flags = services.roadmap_copy_to_period(roadmap=roadmap, by=request.user, **form.cleaned_data)
    if flags:
        messages.warning(request, f"Скопировано. Проверьте тексты с годом прежнего периода: {len(flags)}")
    else:
        messages.success(request, "Дорожная карта скопирована в новый период")
    return redirect("roadmaps:detail", pk=copy.pk)


@roadmap_action("can_edit", services.EDIT_REFUSED)
def roadmap_clear_flags(request, roadmap):
    services.roadmap_clear_flags(roadmap=roadmap, by=request.user)
    messages.success(request, "Отметки о проверке текстов сняты")
    return redirect("roadmaps:detail", pk=roadmap.pk)


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------


@roadmap_action("can_edit", services.EDIT_REFUSED)
def section_add(request, roadmap):
    form = SectionForm(request.POST)
    if not form.is_valid():
        raise services.RoadmapStateError(f"Раздел не добавлен — {form_errors(form)}")
    data = form.cleaned_data
    section = services.section_create(
        roadmap=roadmap,
        by=request.user,
        kind=data["kind"],
        direction=data["direction"] if data["kind"] == Section.Kind.DIRECTION else None,
        tracks=data["tracks"] if data["kind"] == Section.Kind.DIRECTION else (),
        function_type=data["function_type"] if data["kind"] == Section.Kind.DIRECTION else None,
        heading=data["heading"] if data["kind"] == Section.Kind.HEADING else "",
        number=data["number"],
    )
    messages.success(request, f"Раздел «{section}» добавлен")
    return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#section-{section.pk}")


@login_required
@require_POST
@service_errors
def section_delete(request, section_pk: int):
    section = _section_for(request.user, section_pk)
    enforce(access_for(request.user).can_edit(section.roadmap), services.EDIT_REFUSED)
    services.section_delete(section=section, by=request.user)
    messages.success(request, "Раздел удалён")
    return redirect("roadmaps:detail", pk=section.roadmap_id)


@login_required
@require_POST
@service_errors
def section_move(request, section_pk: int):
    section = _section_for(request.user, section_pk)
    enforce(access_for(request.user).can_edit(section.roadmap), services.EDIT_REFUSED)
    delta = -1 if request.POST.get("direction") == "up" else 1
    services.section_move(section=section, by=request.user, delta=delta)
    if request.htmx:
        return _table_response(request, section.roadmap)
    return redirect("roadmaps:detail", pk=section.roadmap_id)


@roadmap_action("can_edit", services.EDIT_REFUSED)
def sections_reorder(request, roadmap):
    ids = _ids(request.POST.get("order", ""))
    services.sections_reorder(roadmap=roadmap, by=request.user, section_ids=ids)
    return _table_response(request, roadmap)


def _ids(raw: str) -> list[int]:
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise services.RoadmapStateError("Порядок передан неверно: обновите страницу и повторите") from None


@login_required
@require_POST
@service_errors
def section_generate(request, section_pk: int):
    section = _section_for(request.user, section_pk)
    enforce(access_for(request.user).can_edit(section.roadmap), services.EDIT_REFUSED)
    confirm = request.POST.get("confirm") == "1"
    created = services.section_generate_steps(section=section, by=request.user, confirm_existing=confirm)
    messages.success(request, f"Добавлено стандартных шагов: {len(created)}. Отредактируйте их под муниципалитет.")
    return redirect(reverse("roadmaps:detail", args=[section.roadmap_id]) + f"#section-{section.pk}")


# ---------------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------------


@login_required
def deadline_preview(request, pk: int):
    """The parse of a deadline text against the roadmap's period, shown beside the field while typing."""
    roadmap = roadmap_get(user=request.user, pk=pk)
    text = (request.GET.get("deadline_text") or "").strip()[:500]
    summary = ""
    if text:
        parsed = parse_deadline(text, period_start=roadmap.period_start, period_end=roadmap.period_end)
        summary = deadline_summary(parsed.to_json())
    return render(request, "roadmaps/partials/deadline_preview.html", {"summary": summary, "text": text})


@login_required
@service_errors
def section_edit(request, section_pk: int):
    section = _section_for(request.user, section_pk)
    roadmap = section.roadmap
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    initial = {
        "kind": section.kind,
        "direction": section.direction_id,
        "tracks": [t.pk for t in section.tracks.all()],
        "function_type": section.function_type_id,
        "heading": section.heading,
        "number": section.number,
    }
    form = SectionForm(request.POST or None, initial=initial)
    form.fields["kind"].disabled = True
    form.fields["direction"].disabled = True
    if section.direction_id:
        form.fields["tracks"].queryset = section.direction.tracks.all()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.section_update(
            section=section,
            by=request.user,
            tracks=data["tracks"] if section.kind == Section.Kind.DIRECTION else None,
            function_type=data["function_type"],
            heading=data["heading"] if section.kind == Section.Kind.HEADING else None,
            number=data["number"],
        )
        messages.success(request, "Раздел сохранён")
        return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#section-{section.pk}")
    return render(request, "roadmaps/section_form.html", {"form": form, "section": section, "roadmap": roadmap})


def _organizations(roadmap: Roadmap):
    return Organization.objects.filter(municipality_id=roadmap.owner.municipality_id).order_by("kind", "short_name")


def _form_response(request, measure, form, *, section=None, error=""):
    return render(
        request,
        "roadmaps/partials/measure_form.html",
        {"form": form, "measure": measure, "section": section or measure.section, "error": error},
    )


@login_required
@service_errors
def measure_add(request, section_pk: int):
    section = _section_for(request.user, section_pk)
    roadmap = section.roadmap
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    form = MeasureForm(request.POST or None, organizations=_organizations(roadmap), roadmap=roadmap)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        measure = services.measure_create(section=section, by=request.user, **fields)
        if request.htmx:
            # the new row takes the place of its form, at the section's end, before the «+» button
            return _section_response(request, section, place=f"measure-{measure.pk}")
        return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#measure-{measure.pk}")
    if request.htmx:
        return _form_response(request, None, form, section=section)
    return render(request, "roadmaps/measure_form_page.html", {"form": form, "section": section, "measure": None})


@login_required
@service_errors
def measure_edit(request, measure_pk: int):
    measure = _measure_for(request.user, measure_pk)
    roadmap = measure.section.roadmap
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    organizations = _organizations(roadmap)
    if request.method != "POST":
        form = MeasureForm(initial=MeasureForm.initial_for(measure), organizations=organizations, roadmap=roadmap)
        if request.htmx:
            return _form_response(request, measure, form)
        return render(
            request, "roadmaps/measure_form_page.html", {"form": form, "section": measure.section, "measure": measure}
        )
    form = MeasureForm(request.POST, organizations=organizations, roadmap=roadmap)
    error = ""
    if form.is_valid():
        try:
            services.measure_update(
                measure=measure,
                by=request.user,
                lock_version=form.cleaned_data.get("lock_version") or 0,
                **form.service_fields(),
            )
        except services.MeasureConflictError as conflict:
            error = str(conflict)
        except services.RoadmapStateError as refused:
            error = str(refused)
        else:
            if request.htmx:
                response = render(
                    request,
                    "roadmaps/partials/measure_row.html",
                    {"row": table_row(measure), "editable": True, "measure_urls": measure_urls()},
                )
                return _keep_place(response, f"measure-{measure.pk}", "edit")
            return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#measure-{measure.pk}")
    if request.htmx:
        return _form_response(request, measure, form, error=error)
    return render(
        request,
        "roadmaps/measure_form_page.html",
        {"form": form, "section": measure.section, "measure": measure, "error": error},
    )


@login_required
def measure_row_view(request, measure_pk: int):
    """The row again: the edit form's «Отмена» puts it back, and the focus on its «Изменить»."""
    measure = _measure_for(request.user, measure_pk)
    editable = access_for(request.user).can_edit(measure.section.roadmap)
    response = render(
        request,
        "roadmaps/partials/measure_row.html",
        {"row": table_row(measure), "editable": editable, "measure_urls": measure_urls()},
    )
    return _keep_place(response, f"measure-{measure.pk}", "edit") if editable and request.htmx else response


@login_required
@require_POST
@service_errors
def measure_delete(request, measure_pk: int):
    measure = _measure_for(request.user, measure_pk)
    roadmap = measure.section.roadmap
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    section = measure.section
    place, control = _neighbour(measure)
    services.measure_delete(measure=measure, by=request.user)
    if request.htmx:
        return _section_response(request, section, place=place, control=control)
    messages.success(request, "Мероприятие удалено")
    return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#{place}")


def _neighbour(measure: Measure) -> tuple[str, str]:
    """Where the focus goes when a measure is deleted: the next row of its section, else the
    previous one, else the section's «+ Мероприятие»."""
    ids = list(measure.section.measures.order_by("order", "pk").values_list("pk", flat=True))
    index = ids.index(measure.pk)
    others = ids[index + 1 :] + ids[:index][::-1]
    if others:
        return f"measure-{others[0]}", ""
    return f"add-measure-{measure.section_id}", "add"


@login_required
@require_POST
@service_errors
def measure_move(request, measure_pk: int):
    measure = _measure_for(request.user, measure_pk)
    roadmap = measure.section.roadmap
    enforce(access_for(request.user).can_edit(roadmap), services.EDIT_REFUSED)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.measure_move(measure=measure, by=request.user, delta=-1 if direction == "up" else 1)
    if request.htmx:
        # the focus stays on the arrow pressed, so that ↓ pressed again moves the row on
        return _section_response(request, measure.section, place=f"measure-{measure.pk}", control=direction)
    return redirect(reverse("roadmaps:detail", args=[roadmap.pk]) + f"#measure-{measure.pk}")


@login_required
@require_POST
@service_errors
def measures_reorder(request, section_pk: int):
    section = _section_for(request.user, section_pk)
    enforce(access_for(request.user).can_edit(section.roadmap), services.EDIT_REFUSED)
    services.measures_reorder(section=section, by=request.user, measure_ids=_ids(request.POST.get("order", "")))
    return _section_response(request, section)


@login_required
@service_errors
def measure_assign(request, measure_pk: int):
    measure = _measure_for(request.user, measure_pk)
    roadmap = measure.section.roadmap
    access = access_for(request.user)
    if not access.can_change(roadmap) or roadmap.status not in (
        Roadmap.Status.DRAFT,
        Roadmap.Status.APPROVED,
    ):
        raise PermissionDenied
    form = AssignForm(request.POST or None, municipality_id=roadmap.owner.municipality_id)
    if request.method == "POST" and form.is_valid():
        created = services.measure_assign(measure=measure, organizations=form.chosen(), by=request.user)
        messages.success(request, f"Назначено исполнений: {len(created)}")
        return redirect("roadmaps:measure_assign", measure_pk=measure.pk)
    picker = assignment_picker(list(form.fields["organizations"].queryset), roadmap.owner.municipality_id)
    assignments = with_state(measure.assignments.select_related("organization")).order_by(
        "organization__short_name", "occurrence"
    )
    return render(
        request,
        "roadmaps/measure_assign.html",
        {
            "measure": measure,
            "roadmap": roadmap,
            "form": form,
            "assignments": assignments,
            "row": table_row(measure),
            # the picker: search, and choose at once by kind, zone, city or village and settlement
            "picker": picker,
            "chosen_ids": {int(pk) for pk in request.POST.getlist("organizations") if pk.isdigit()},
        },
    )
