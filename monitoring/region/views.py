"""«Показатели региона»: the region's value of every indicator in a year and its municipalities side
by side, on the page and as a download. For the region's staff, viewers and administrators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from config.lib.replica import heavy_read
from monitoring.analysis.views import _download, _int
from monitoring.region import selectors
from monitoring.region.selectors import PROCEDURES


def _comparison(request):
    """The region, year and filters asked for, and the comparison they give."""
    region = selectors.region_for(request.user, request.GET.get("region"))
    coverage = selectors.region_coverage(region)
    years = sorted(coverage, reverse=True)
    year = _int(request.GET.get("year"))
    if year not in coverage:
        year = selectors.default_year(coverage)
    procedures = dict(PROCEDURES)
    filters = {
        "direction": request.GET.get("direction", "").strip(),
        "procedure": request.GET.get("procedure", "") if request.GET.get("procedure", "") in procedures else "",
        "subject": request.GET.get("subject", "").strip(),
        "grade": _int(request.GET.get("grade")),
        "sort": request.GET.get("sort", ""),
    }
    comparison = selectors.region_comparison(request.user, region, year, **filters)
    return region, years, filters, comparison


@login_required
@heavy_read
def values_page(request):
    region, years, filters, comparison = _comparison(request)
    query = request.GET.copy()
    query.pop("sort", None)
    return render(
        request,
        "monitoring/region/values.html",
        {
            "region": region,
            "regions": selectors.regions_for(request.user),
            "years": years,
            "year": comparison.year,
            "filters": filters,
            "comparison": comparison,
            "procedures": PROCEDURES,
            "query": query.urlencode(),
            "margin": selectors.REGION_MARGIN,
        },
    )


@login_required
@heavy_read
def values_export(request, fmt: str):
    """The table of the page as XLSX (or CSV), with the same filters: the region's row first."""
    _region, _years, _filters, comparison = _comparison(request)
    columns, rows = selectors.comparison_table(comparison)
    return _download(
        rows, columns, name=f"region_values_{comparison.year or 'none'}", fmt=fmt, title="Показатели региона"
    )
