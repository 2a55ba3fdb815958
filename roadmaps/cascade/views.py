from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.lib.replica import heavy_read
from roadmaps.cascade.selectors import cascade_dashboard, regional_measure_card
from roadmaps.cascade.tasks import cascade_publish_enqueue
from roadmaps.selectors import roadmap_get
from roadmaps.services import CASCADE_REFUSED
from schools.access import access_for, enforce


@login_required
@require_POST
def publish(request, pk: int):
    """«Довести до муниципалитетов»: a job makes each municipality's linked draft."""
    roadmap = roadmap_get(user=request.user, pk=pk)
    enforce(access_for(request.user).can_cascade(roadmap), CASCADE_REFUSED)
    job = cascade_publish_enqueue(roadmap=roadmap, user=request.user)
    messages.info(request, "Доведение до муниципалитетов запущено: ход виден на этой странице")
    return redirect("jobs:detail", pk=job.pk)


@login_required
@heavy_read
def dashboard(request, pk: int):
    roadmap, rows, total = cascade_dashboard(user=request.user, pk=pk)
    context = {
        "roadmap": roadmap,
        "rows": rows,
        "total": total,
        "can_cascade": access_for(request.user).can_cascade(roadmap),
    }
    return render(request, "roadmaps/cascade_dashboard.html", context)


@login_required
def measure_card(request, pk: int):
    measure, rows = regional_measure_card(user=request.user, pk=pk)
    return render(
        request,
        "roadmaps/cascade_measure.html",
        {"measure": measure, "roadmap": measure.section.roadmap, "rows": rows},
    )
