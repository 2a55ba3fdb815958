from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from roadmaps.models import CycleStage, Direction, EvidenceKind, ExecutorKind, FunctionType


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
        },
    )
