"""Demo of the ШНРО/ШНСУ identification: for the demo district, a method for each year with results
(2024/2025 and 2025/2026), approved by an order of the official, run, and its list approved, so
that the pages show real lists, the history across two years and the schools' flags. Idempotent:
what exists is found and left as it is."""

from datetime import date

from django.contrib.auth import get_user_model

from monitoring.identification.services import (
    criterion_add,
    list_approve,
    list_compute,
    method_approve,
    method_create,
)
from monitoring.indicators import indicators_compute
from monitoring.models import IdentificationList, IdentificationMethod, IndicatorDefinition, IndicatorValue
from schools.demo import MUNICIPALITY
from schools.models import Municipality

#: year → (K, N) of the results criteria: two years of ВПР and ОГЭ exist in the demo (2025, 2026),
#: КДР since 2024.
YEARS = {2025: {"window": 1, "required": 1, "kdr_window": 2}, 2026: {"window": 2, "required": 2, "kdr_window": 3}}
RESULTS = [
    # indicator, subject (empty: the whole school), grade, threshold «не меньше»
    ("vpr_share_2", "", None, 15.0),
    ("oge_share_2", "", None, 15.0),
    ("kdr_below_base", "", None, 35.0),
]


def _title(year: int) -> str:
    return f"Методика идентификации ШНРО и ШНСУ на {year - 1}/{year} учебный год"


def load_demo_identification() -> dict:
    created = {"методик идентификации": 0, "списков ШНРО и ШНСУ": 0}
    municipality = Municipality.objects.filter(name=MUNICIPALITY).first()
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["methodist", "official"])}
    methodist, official = users.get("methodist"), users.get("official")
    if municipality is None or methodist is None or official is None:
        return created
    indicators = {i.code: i for i in IndicatorDefinition.objects.filter(code__in=[r[0] for r in RESULTS])}
    if len(indicators) != len(RESULTS):
        return created
    approved = []
    for year, window in YEARS.items():
        if not IndicatorValue.objects.filter(municipality=municipality, year=year).exists():
            continue
        method = IdentificationMethod.objects.filter(municipality=municipality, year=year, title=_title(year)).first()
        if method is None:
            method = method_create(
                municipality=municipality, by=methodist, year=year, title=_title(year), results_required=2,
                context_required=2, minimum_participants=5,
            )  # fmt: skip
            for code, subject, grade, threshold in RESULTS:
                k = window["kdr_window"] if code.startswith("kdr") else window["window"]
                criterion_add(
                    method=method, by=methodist, kind="indicator", indicator=indicators[code], subject=subject,
                    grade=grade, comparison="gte", threshold=threshold, years_window=k,
                    years_required=min(window["required"], k),
                )  # fmt: skip
            criterion_add(method=method, by=methodist, kind="rural")
            criterion_add(method=method, by=methodist, kind="size", comparison="lte", threshold=80)
            created["методик идентификации"] += 1
        if method.status == IdentificationMethod.Status.DRAFT:
            method = method_approve(
                method=method, by=official, order_number=f"{year - 1}-М-ШН", order_date=date(year - 1, 8, 28)
            )
        listing = IdentificationList.objects.filter(method=method).first()
        if listing is None:
            listing = list_compute(method=method, by=methodist)
            created["списков ШНРО и ШНСУ"] += 1
        if not listing.is_approved:
            list_approve(
                identification_list=listing, by=official, order_number=f"{year}-С-ШН", order_date=date(year, 8, 25)
            )
            approved.append(year)
    for year in approved:
        # the share of the listed schools with positive dynamics reads the approved list of its year
        indicators_compute(year=year, municipality=municipality)
    return created
