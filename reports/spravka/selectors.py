"""Reads of analytic reports, scoped through `for_user`."""

from django.shortcuts import get_object_or_404

from reports.models import AnalyticReport, ReportFile


def spravki_for(user):
    return AnalyticReport.objects.for_user(user).select_related(
        "municipality", "organization", "assessment", "created_by", "approved_by"
    )


def spravka_for_user_or_404(user, pk: int) -> AnalyticReport:
    return get_object_or_404(spravki_for(user), pk=pk)


def spravka_files(user, report: AnalyticReport):
    return ReportFile.objects.for_user(user).filter(spravka=report)[:10]
