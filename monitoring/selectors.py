"""Reads of the monitoring app, always scoped through `for_user`."""

from django.shortcuts import get_object_or_404

from monitoring.models import ResultImport, SchoolStat
from schools.access import access_for, enforce
from schools.models import Municipality

IMPORT_REFUSED = "Загружать результаты могут методисты и руководители управления образования"


def import_municipalities(user):
    """Methodists and officials import for their municipalities, administrators anywhere.
    Directors and viewers may not (403)."""
    enforce(access_for(user).works_for_authority, IMPORT_REFUSED)
    return Municipality.objects.managed_by(user)


def result_imports_for(user):
    enforce(access_for(user).works_for_authority, IMPORT_REFUSED)
    return ResultImport.objects.for_user(user).select_related("municipality", "created_by", "job")


def result_import_get(*, user, pk: int) -> ResultImport:
    return get_object_or_404(result_imports_for(user), pk=pk)


def school_stats_for(user, *, result_import: ResultImport):
    """Statistics of the schools and assessments an import wrote."""
    return (
        SchoolStat.objects.for_user(user)
        .filter(
            organization__municipality=result_import.municipality,
            assessment__kind=result_import.kind,
            assessment__year=result_import.year,
        )
        .select_related("assessment", "organization")
        .order_by("assessment__subject", "assessment__grade", "organization__code")
    )
