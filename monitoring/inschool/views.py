"""Pages of the analysis inside a school: «Анализ в школе», the school's class → teacher list and a
work's task maxima."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from monitoring.inschool import selectors
from monitoring.inschool.forms import AssessmentTasksForm, ClassTeachersForm
from monitoring.inschool.services import (
    InSchoolError,
    TaskEntry,
    assessment_tasks_describe,
    class_teachers_replace,
    teacher_lines_from_file,
    teacher_lines_from_text,
)
from monitoring.models import Assessment
from schools.access import access_for, enforce
from schools.models import Organization

SCHOOL_AND_STAFF = "Анализ в школе видят руководитель школы и методисты её муниципалитета"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _school(request, pk: int) -> Organization:
    """The school, if the person sees it (404 otherwise) and may read its analysis (403 otherwise)."""
    organization = get_object_or_404(Organization.objects.for_user(request.user).select_related("municipality"), pk=pk)
    enforce(access_for(request.user).can_analyse_school(organization), SCHOOL_AND_STAFF)
    return organization


@login_required
def school_analysis(request, pk: int):
    organization = _school(request, pk)
    assessments = selectors.assessments_of(organization)
    chosen = _int(request.GET.get("assessment"))
    assessment = next((a for a in assessments if a.pk == chosen), assessments[0] if assessments else None)
    context = {
        "organization": organization,
        "assessments": assessments,
        "assessment": assessment,
        "can_describe": access_for(request.user).can_describe_assessment(),
    }
    if assessment is not None:
        context.update(selectors.school_analysis(organization, assessment))
    return render(request, "monitoring/inschool/analysis.html", context)


@login_required
def class_teachers(request, pk: int):
    organization = _school(request, pk)
    access = access_for(request.user)
    years = selectors.teacher_years(organization)
    year = _int(request.POST.get("year") or request.GET.get("year")) or (years[0] if years else None)
    form = None
    if access.can_edit_class_teachers(organization):
        form = ClassTeachersForm(request.POST or None, request.FILES or None, initial={"year": year})
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload:
                    lines = teacher_lines_from_file(upload.read(), upload.name)
                else:
                    lines = teacher_lines_from_text(form.cleaned_data["text"])
                saved = class_teachers_replace(
                    organization=organization, year=form.cleaned_data["year"], lines=lines, by=request.user
                )
            except InSchoolError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Список учителей классов сохранён: строк — {saved}")
                return redirect(f"{reverse('monitoring:class_teachers', args=[pk])}?year={form.cleaned_data['year']}")
    entries = list(selectors.teacher_list(organization, year)) if year else []
    if form is not None and not form.is_bound and entries:
        form.initial["text"] = "\n".join(f"{e.class_name}; {e.subject}; {e.teacher}" for e in entries)
    return render(
        request,
        "monitoring/inschool/teachers.html",
        {"organization": organization, "years": years, "year": year, "entries": entries, "form": form},
    )


@login_required
def assessment_tasks(request, pk: int):
    enforce(access_for(request.user).can_describe_assessment(), "Задания работы описывают сотрудники органа управления")
    assessment = get_object_or_404(Assessment, pk=pk)
    school = _int(request.GET.get("school"))
    form = AssessmentTasksForm(
        request.POST or None, tasks=assessment.tasks, initial={"max_primary_score": assessment.max_primary_score}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = [
            TaskEntry(label=task["label"], max=data.get(f"max_{k}"), difficulty=data.get(f"difficulty_{k}") or "")
            for k, task in enumerate(assessment.tasks)
        ]
        try:
            assessment_tasks_describe(
                assessment=assessment, tasks=entries, max_primary_score=data["max_primary_score"], by=request.user
            )
        except InSchoolError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Максимумы и уровни заданий сохранены")
            back = reverse("monitoring:assessment_tasks", args=[pk])
            return redirect(f"{back}?school={school}" if school else back)
    return render(request, "monitoring/inschool/tasks.html", {"assessment": assessment, "form": form, "school": school})
