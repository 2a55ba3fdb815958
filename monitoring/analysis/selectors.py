"""Reads of the analysis pages: indicator values, zones, objectivity, effectiveness, exports.
Every read starts from a `for_user` queryset."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Min, Q
from django.shortcuts import get_object_or_404

from config.lib.xlsx import csv_text, safe_row
from monitoring.models import (
    Colour,
    IndicatorDefinition,
    IndicatorValue,
    Recommendation,
    TargetedMeasure,
    Zone,
    ZoningMethod,
    ZoningRule,
)
from roadmaps.attainment import Attainment, measures_attainment, with_targets
from roadmaps.execution.selectors import AssignmentFilters, list_url, state_tabs
from roadmaps.execution.state import STATE_ORDER, with_state
from roadmaps.models import Assignment, Measure, Roadmap
from roadmaps.table import attainment_text, measure_numbers, target_line
from schools.access import access_for
from schools.models import Municipality, Organization

EXPORT_COLUMNS = ["Код ОО", "Показатель", "Предмет", "Параллель", "Значение", "Числитель", "Знаменатель"]
ZONE_COLUMNS = ["Код ОО", "Организация", "Сельская", "Зона", "Предыдущая зона", "Балл", "Объяснение"]


def _number(value):
    if value is None:
        return ""
    return round(value, 4) if isinstance(value, float) and not value.is_integer() else int(value)


def export_rows(values) -> list[list]:
    """Rows of the values export; the municipality's own rows have an empty «Код ОО», whole-school
    values empty slice columns. Class slices are not exported (they identify small groups)."""
    rows = (
        values.filter(class_name="")
        .select_related("organization", "indicator")
        .order_by("municipality_id", "organization__code", "indicator__order", "subject", "grade")
    )
    return [
        [
            v.organization.code if v.organization_id else "",
            v.indicator.code,
            v.subject,
            v.grade if v.grade is not None else "",
            _number(v.value) if v.value is not None else "нет данных",
            _number(v.numerator),
            _number(v.denominator),
        ]
        for v in rows
    ]


def zone_rows(zones) -> list[list]:
    rows = []
    for zone in zones.select_related("organization").order_by("organization__code"):
        why = "; ".join(
            f"{item.get('name') or item['indicator']} {item['slice']}: "
            + ("нет данных" if item["value"] is None else f"{item['value']:.1f}".replace(".", ","))
            + (f" {item['range']}" if item["range"] else "")
            + f" → {Colour(item['colour']).label.lower()}"
            + (f" ({item['reason']})" if item["reason"] else "")
            for item in zone.explanation
        )
        rows.append(
            [
                zone.organization.code,
                zone.organization.short_name,
                "да" if zone.organization.is_rural else "нет",
                zone.get_colour_display(),
                zone.get_previous_colour_display() if zone.previous_colour else "",
                _number(zone.score),
                why,
            ]
        )
    return rows


def write_csv(stream, columns, rows, *, title: str = "") -> None:
    # Names and explanations come from people: never a formula (config/lib/xlsx.py).
    text = csv_text(columns, rows, delimiter=";")
    stream.write(text.encode("utf-8-sig"))  # with BOM: Excel opens Cyrillic correctly


def write_xlsx(stream, columns, rows, *, title: str = "Лист") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:  # names and explanations come from people: never a live formula
        sheet.append(safe_row(sheet, row))
    sheet.freeze_panes = "A2"
    book.save(stream)


# --- Pages ----------------------------------------------------------------------------------


def municipality_for(user, municipality_id: int | None = None) -> Municipality:
    """The municipality whose analysis the person sees: the asked one if visible, else their own."""
    visible = Municipality.objects.for_user(user)
    if municipality_id:
        return get_object_or_404(visible, pk=municipality_id)
    access = access_for(user)
    own = access.municipality_ids | access.director_municipality_ids
    municipality = visible.filter(pk__in=own).order_by("pk").first() if own else visible.order_by("pk").first()
    if municipality is None:
        from django.http import Http404

        raise Http404("Нет доступного муниципалитета")
    return municipality


def methods_for(user, municipality: Municipality, status: str = ""):
    """The municipality's methods the person sees; only those in `status` when given (the
    official's home counts the drafts waiting for approval with it)."""
    methods = (
        ZoningMethod.objects.for_user(user)
        .filter(municipality=municipality)
        .select_related("approval_order")
        .order_by("-year", "-status", "-pk")
    )
    return methods.filter(status=status) if status in ZoningMethod.Status.values else methods


def method_get(user, pk: int) -> ZoningMethod:
    return get_object_or_404(
        ZoningMethod.objects.for_user(user).select_related("municipality", "approval_order"), pk=pk
    )


def rule_get(user, pk: int) -> ZoningRule:
    """A rule of a method the person sees; 404 otherwise (looked up within the scope)."""
    visible = ZoningRule.objects.filter(method__in=ZoningMethod.objects.for_user(user))
    return get_object_or_404(visible.select_related("method__municipality"), pk=pk)


def current_method(user, municipality, method_id: int | None):
    methods = methods_for(user, municipality)
    chosen = methods.filter(pk=method_id).first() if method_id else None
    if chosen is not None:
        return chosen
    # none asked, or one of another municipality (the person switched municipality): the default
    approved = methods.filter(status=ZoningMethod.Status.APPROVED, computed_at__isnull=False).first()
    return approved or methods.filter(computed_at__isnull=False).first() or methods.first()


def available_years(municipality) -> list[int]:
    """Years with indicator values, newest first. Not a DISTINCT over every value (a region has
    hundreds of thousands): the index gives the first and last year, then one probe a year."""
    values = IndicatorValue.objects.filter(municipality=municipality)
    span = values.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return []
    first, last = span["first"], span["last"]
    between = [year for year in range(last - 1, first, -1) if values.filter(year=year).exists()]
    return [last, *between, first] if first != last else [last]


@dataclass
class OverviewRow:
    organization: Organization
    zone: Zone | None
    cells: list = field(default_factory=list)


def overview(user, municipality, method, *, rural: str = "", kind: str = "", zone: str = "", sort: str = "code"):
    """Organisations × the method's rules (the heat map) with the zone of each organisation."""
    organizations = Organization.objects.for_user(user).filter(municipality=municipality, is_active=True)
    organizations = organizations.exclude(kind__in=[Organization.Kind.AUTHORITY, Organization.Kind.METHODICAL])
    if rural in ("1", "0"):
        organizations = organizations.filter(is_rural=rural == "1")
    if kind != "all":  # zones are computed for schools: the other kinds only on request
        organizations = organizations.filter(kind=kind or Organization.Kind.SCHOOL)
    zones = {}
    if method is not None:
        zones = {
            z.organization_id: z
            for z in Zone.objects.for_user(user).filter(method=method).defer("previous_explanation").order_by()
        }
    if zone:
        ids = [org_id for org_id, z in zones.items() if z.colour == zone]
        organizations = organizations.filter(pk__in=ids)
    rules = list(method.rules.select_related("indicator")) if method else []
    rows = []
    for organization in organizations.order_by("code"):
        z = zones.get(organization.pk)
        cells = []
        if z is not None:
            by_rule = {item["rule"]: item for item in z.explanation}
            cells = [by_rule.get(rule.pk) for rule in rules]
        rows.append(OverviewRow(organization=organization, zone=z, cells=cells))
    order = {"red": 0, "yellow": 1, "green": 2, "no_data": 3}
    if sort == "zone":
        rows.sort(key=lambda r: (order.get(r.zone.colour, 4) if r.zone else 5, r.organization.code))
    elif sort == "name":
        rows.sort(key=lambda r: r.organization.short_name)
    elif sort.startswith("rule"):
        index = int(sort[4:]) if sort[4:].isdigit() else 0

        def key(row):
            cell = row.cells[index] if index < len(row.cells) and row.cells[index] else None
            value = cell["value"] if cell and cell["value"] is not None else float("-inf")
            return (-value, row.organization.code)

        rows.sort(key=key)
    counts = {c.value: 0 for c in Colour}
    for z in zones.values():
        counts[z.colour] += 1
    return rules, rows, counts


def municipality_rule_values(municipality, method, rules) -> list:
    """The municipality's pooled value of each rule of the method (its year), in the rules' order."""
    if not rules:
        return []
    rows = IndicatorValue.objects.filter(
        municipality=municipality,
        organization__isnull=True,
        year=method.year,
        indicator_id__in={rule.indicator_id for rule in rules},
        class_name="",
    ).values_list("indicator_id", "subject", "grade", "value")
    values = {(indicator_id, subject, grade): value for indicator_id, subject, grade, value in rows}
    return [values.get((rule.indicator_id, rule.subject, rule.grade)) for rule in rules]


def organization_card(user, organization: Organization):
    """Values of every indicator for the organisation across years (whole school) beside the
    municipality's pooled value, its slices for the latest year, recommendations and measures."""
    values = (
        IndicatorValue.objects.for_user(user)
        .filter(
            Q(organization=organization) | Q(organization__isnull=True, municipality_id=organization.municipality_id)
        )
        .filter(class_name="")
        .select_related("indicator")
        .order_by("indicator__order", "year")
    )
    series: dict[int, dict] = {}
    slices: dict[int, list] = defaultdict(list)
    latest_year = None
    for v in values:
        entry = series.setdefault(v.indicator_id, {"indicator": v.indicator, "school": {}, "municipality": {}})
        if v.is_whole:
            entry["school" if v.organization_id else "municipality"][v.year] = v
            if v.organization_id:
                latest_year = max(latest_year or v.year, v.year)
        elif v.organization_id:
            slices[v.indicator_id].append(v)
    for pk, items in slices.items():
        slices[pk] = [v for v in items if v.year == latest_year]
    indicators = []
    for pk, entry in series.items():
        years = sorted(set(entry["school"]) | set(entry["municipality"]))
        entry["years"] = years
        entry["latest"] = entry["school"].get(latest_year) if latest_year else None
        entry["municipality_latest"] = entry["municipality"].get(latest_year) if latest_year else None
        entry["slices"] = slices.get(pk, [])
        if entry["school"] or entry["slices"]:
            indicators.append(entry)
    zones = (
        Zone.objects.for_user(user)
        .filter(organization=organization)
        .select_related("method")
        .order_by("-method__year", "-computed_at")
    )
    recommendations = (
        Recommendation.objects.for_user(user).filter(organizations=organization).select_related("zoning_method")
    )
    # Plain rows: a region's school has two hundred occurrences, and five model instances for
    # each of them were most of the card's time.
    # One query, split here: the occurrences of approved roadmaps, each in its state (the rule and
    # the counts of the dashboards), and those still in draft roadmaps (zone targeting puts them
    # there), shown apart and counted nowhere. Archived plans are history: their reports keep them.
    rows = (
        with_state(Assignment.objects.for_user(user))
        .filter(
            organization=organization,
            measure__section__roadmap__status__in=[Roadmap.Status.APPROVED, *DRAFT_STATUSES],
        )
        .order_by("due_date", "measure_id", "occurrence")
        .values(
            "due_date",
            "state",
            "measure__description",
            "measure__deadline_text",
            "measure__section__roadmap__title",
            "measure__section__roadmap__status",
            "measure__targeting__zoning_method__title",
        )
    )
    assignments, drafts = [], []
    for row in rows:
        (assignments if row["measure__section__roadmap__status"] == Roadmap.Status.APPROVED else drafts).append(row)
    by_state = Counter(a["state"] for a in assignments)
    summary = {"total": len(assignments), **{state: by_state[state] for state in STATE_ORDER}}
    return {
        "indicators": indicators,
        "latest_year": latest_year,
        "zones": list(zones),
        "recommendations": list(recommendations),
        "assignments": assignments,
        "draft_assignments": drafts,
        "assignment_summary": summary,
        "assignment_tabs": state_tabs(summary, "execution:list", AssignmentFilters(organization=organization.pk)),
        "assignments_url": list_url("execution:list", organization=organization.pk),
    }


DRAFT_STATUSES = (Roadmap.Status.DRAFT, Roadmap.Status.ON_APPROVAL)

OBJECTIVITY_CODES = ("vpr_lowered", "vpr_confirmed", "vpr_raised", "vpr_significant_mismatch", "vpr_journal_mismatch")


def objectivity(user, municipality, year: int, *, organization_id: int | None = None, page=1, kdr_page=1, per_page=100):
    """ВПР against journal marks by school, subject and grade; КДР control group against the rest.

    Both tables come a page at a time, paged in the database: a region has thousands of
    school × subject × grade rows × five indicators, and building them all to show a hundred
    took seconds. Returns two `Page`s; a row of the first is a dict with the organisation (None
    for the municipality's pooled row), subject, grade and a {value, denominator} per indicator."""
    values = IndicatorValue.objects.for_user(user).filter(municipality=municipality, year=year, class_name="")
    if organization_id:
        values = values.filter(Q(organization_id=organization_id) | Q(organization__isnull=True))
    codes = dict(IndicatorDefinition.objects.filter(code__in=OBJECTIVITY_CODES).values_list("pk", "code"))
    vpr = values.filter(indicator_id__in=list(codes))
    # The five shares are computed together for each slice: the rows are the slices of the first.
    first = next((pk for pk, code in codes.items() if code == OBJECTIVITY_CODES[0]), None)
    keys = (
        vpr.filter(indicator_id=first)
        .order_by(F("organization__code").asc(nulls_first=True), "subject", F("grade").asc(nulls_first=True))
        .values_list("organization_id", "subject", "grade")
    )
    rows = Paginator(keys, per_page).get_page(page)
    wanted = list(rows.object_list)
    organizations = Organization.objects.in_bulk({org for org, _s, _g in wanted if org})
    table = {key: {"organization": organizations.get(key[0]), "subject": key[1], "grade": key[2]} for key in wanted}
    found = vpr.filter(
        Q(organization_id__in=list(organizations)) | Q(organization__isnull=True),
        subject__in={subject for _o, subject, _g in wanted},
    ).values_list("organization_id", "subject", "grade", "indicator_id", "value", "denominator")
    for org, subject, grade, indicator, value, denominator in found:
        row = table.get((org, subject, grade))
        if row is not None:
            row[codes[indicator]] = {"value": value, "denominator": denominator}
    rows.object_list = list(table.values())

    # Only КДР with a control group: the details name its [reached, of] counts.
    gaps = (
        values.filter(indicator__code="kdr_control_gap", details__control_group__1__gt=0)
        .select_related("organization")
        .order_by(F("organization__code").asc(nulls_first=True), "subject", F("grade").asc(nulls_first=True))
    )
    return rows, Paginator(gaps, per_page).get_page(kdr_page)


def effectiveness(user, municipality, *, direction_code: str = "", method: ZoningMethod | None = None):
    """For organisations with targeted measures (from zoning): each rule indicator of the source
    method in the method's year (before) and in the latest later year (after). `method` keeps the
    measures targeted from that method only."""
    targeted = (
        TargetedMeasure.objects.filter(
            zoning_method__municipality=municipality, zoning_method__in=ZoningMethod.objects.for_user(user)
        )
        .filter(**({"zoning_method": method} if method is not None else {}))
        .select_related("measure__section__direction", "zoning_method")
        .prefetch_related("organizations", "zoning_method__rules__indicator")
    )
    if direction_code:
        targeted = targeted.filter(zoning_method__rules__indicator__direction_code=direction_code).distinct()
    visible = set(Organization.objects.for_user(user).values_list("pk", flat=True))
    rows = []
    for item in targeted:
        method = item.zoning_method
        rules = [r for r in method.rules.all() if not direction_code or r.indicator.direction_code == direction_code]
        orgs = [o for o in item.organizations.all() if o.pk in visible]
        values = IndicatorValue.objects.filter(
            organization__in=orgs, indicator__in=[r.indicator_id for r in rules], year__gte=method.year, class_name=""
        ).values("organization_id", "indicator_id", "subject", "grade", "year", "value", "denominator")
        found, sizes = defaultdict(dict), defaultdict(dict)
        for v in values:
            key = (v["organization_id"], v["indicator_id"], v["subject"], v["grade"])
            found[key][v["year"]], sizes[key][v["year"]] = v["value"], v["denominator"]
        for organization in orgs:
            for rule in rules:
                key = (organization.pk, rule.indicator_id, rule.subject, rule.grade)
                by_year, size = found.get(key, {}), sizes.get(key, {})
                before = by_year.get(method.year)
                later = sorted(y for y in by_year if y > method.year)
                after_year = later[-1] if later else None
                after = by_year.get(after_year) if after_year else None
                change = value_change(rule.indicator.better, before, after)
                rows.append({
                    "measure": item.measure, "organization": organization, "rule": rule, "before": before,
                    "before_year": method.year, "after": after, "after_year": after_year, "change": change,
                    "before_n": size.get(method.year), "after_n": size.get(after_year),
                })  # fmt: skip
    directions = sorted(
        set(IndicatorDefinition.objects.exclude(direction_code="").values_list("direction_code", flat=True))
    )
    return rows, directions


def value_change(better: str, before: float | None, after: float | None) -> str | None:
    """«лучше», «хуже» or «без изменений» by the indicator's better side (an indicator that is not
    rated counts higher as better here); None without both values."""
    if before is None or after is None:
        return None
    if after == before:
        return "без изменений"
    return "лучше" if (after < before if better == IndicatorDefinition.Better.LOWER else after > before) else "хуже"


@dataclass(frozen=True)
class DirectionChange:
    """The municipality's own values of the directions' indicators in `year` against the year
    before: the direction's part of the «анализ эффективности принятых мер» (issue 21 part 7)."""

    codes: list[str]
    year: int | None
    rows: list[dict]  # indicator, subject, grade, slice, before, after, change

    @property
    def verdict(self) -> Verdict:
        """Over the rated indicators only: one «не оценивается» is neither better nor worse."""
        return effectiveness_verdict([row for row in self.rows if row["indicator"].better != "none"])


def direction_change(municipality, codes, *, year: int | None = None) -> DirectionChange:
    """Each indicator of the directions `codes` by slice, the municipality's pooled value (no school,
    no class) in `year` (the latest year with values when None) and in the year before, with the
    change. The municipality's values are over all its schools: no small group to hide."""
    codes = sorted({code for code in codes if code})
    values = IndicatorValue.objects.filter(
        municipality=municipality, organization__isnull=True, class_name="", indicator__direction_code__in=codes
    )
    if year is None:
        year = values.aggregate(last=Max("year"))["last"]
    if year is None:
        return DirectionChange(codes=codes, year=None, rows=[])
    found: dict = defaultdict(dict)
    for value in values.filter(year__in=[year - 1, year]).select_related("indicator"):
        found[(value.indicator, value.subject, value.grade)][value.year] = value.value
    rows = []
    for indicator, subject, grade in sorted(
        found, key=lambda key: (key[0].direction_code, key[0].order, key[0].code, key[1], key[2] or 0)
    ):
        before, after = found[(indicator, subject, grade)].get(year - 1), found[(indicator, subject, grade)].get(year)
        rated = indicator.better != IndicatorDefinition.Better.NONE
        rows.append({
            "indicator": indicator, "subject": subject, "grade": grade, "before": before, "after": after,
            "slice": ", ".join([subject] * bool(subject) + [f"{grade} кл."] * bool(grade)) or "в целом",
            "change": value_change(indicator.better, before, after) if rated else None,
        })  # fmt: skip
    return DirectionChange(codes=codes, year=year, rows=rows)


def effectiveness_school_groups(rows: list[dict]) -> list[list]:
    """Every school value the before/after rows show, as [school, the group it was computed over]
    (None for a value that is no share of people): what the open page checks for small groups."""
    return [
        [row["organization"].short_name, row[f"{when}_n"]]
        for row in rows
        for when in ("before", "after")
        if row[when] is not None
    ]


#: Measures are called effective when at least this share of the compared values improved (and,
#: in the order on results, when at least this share of last year's red zone left it).
EFFECTIVE_SHARE = 0.5


@dataclass(frozen=True)
class Verdict:
    """The conclusion of the «анализ эффективности принятых мер» on some before/after rows."""

    compared: int  # rows with a value before and after
    better: int
    same: int
    worse: int
    missing: int  # rows without one of the two values

    @property
    def share_better(self) -> float | None:
        return self.better / self.compared if self.compared else None

    @property
    def text(self) -> str:
        if not self.compared:
            return "нет данных для вывода: нет значений «до» и «после»"
        word = "эффективны" if self.share_better >= EFFECTIVE_SHARE else "требуют корректировки"
        return f"меры {word}: улучшение в {self.better} из {self.compared} сравнений"

    @property
    def effective(self) -> bool | None:
        return None if not self.compared else self.share_better >= EFFECTIVE_SHARE


def effectiveness_verdict(rows: list[dict]) -> Verdict:
    changes = Counter(row["change"] for row in rows)
    compared = changes["лучше"] + changes["без изменений"] + changes["хуже"]
    return Verdict(
        compared=compared, better=changes["лучше"], same=changes["без изменений"], worse=changes["хуже"],
        missing=len(rows) - compared,
    )  # fmt: skip


def effectiveness_by_measure(rows: list[dict]) -> list[tuple[object, Verdict]]:
    """Each targeted measure with the verdict on its own rows, in the order the rows name them."""
    grouped: dict[int, list[dict]] = {}
    measures = {}
    for row in rows:
        grouped.setdefault(row["measure"].pk, []).append(row)
        measures[row["measure"].pk] = row["measure"]
    return [(measures[pk], effectiveness_verdict(group)) for pk, group in grouped.items()]


@dataclass(frozen=True)
class TargetRow:
    """One measure's target in one year of an approved roadmap, against what was achieved."""

    roadmap: Roadmap
    number: str
    measure: Measure
    target: str
    attainment: Attainment
    text: str


def target_attainment(user, municipality, *, since_year: int | None = None) -> list[TargetRow]:
    """The targets of the municipality's approved (and archived) roadmaps that the person sees, year
    by year, with «достигнуто / не достигнуто / нет данных» (roadmaps.attainment), in a fixed
    number of queries however many roadmaps and measures."""
    roadmaps = Roadmap.objects.for_user(user).filter(
        owner__municipality=municipality, status__in=[Roadmap.Status.APPROVED, Roadmap.Status.ARCHIVED]
    )
    measures = list(
        with_targets(Measure.objects.filter(section__roadmap__in=roadmaps)).order_by(
            "-section__roadmap__period_start", "section__roadmap_id", "section__order", "order", "pk"
        )
    )
    if not measures:
        return []
    attained = measures_attainment(measures)
    numbers = measure_numbers(roadmap_ids={m.section.roadmap_id for m in measures})
    rows = []
    for measure in measures:
        roadmap = measure.section.roadmap
        for item in attained.get(measure.pk, []):
            if since_year is not None and item.year < since_year:
                continue
            rows.append(
                TargetRow(
                    roadmap=roadmap,
                    number=numbers.get(measure.pk, ""),
                    measure=measure,
                    target=target_line(measure),
                    attainment=item,
                    text=attainment_text(item, roadmap=roadmap, unit=measure.target_unit),
                )
            )
    return rows


def zone_counts(method) -> dict:
    return dict(Zone.objects.filter(method=method).values_list("colour").annotate(n=Count("pk")))


def zone_group_choices(municipality_id: int) -> list[tuple[str, str]]:
    """«Красная зона — <методика> (2026): 3 орг.» for every approved zoning method of the
    municipality with computed zones, red and yellow: the groups a measure can be assigned to."""
    methods = ZoningMethod.objects.filter(
        municipality_id=municipality_id, status=ZoningMethod.Status.APPROVED, zones__isnull=False
    ).distinct()
    counts = {
        (row["method_id"], row["colour"]): row["n"]
        for row in Zone.objects.filter(method__in=methods).values("method_id", "colour").annotate(n=Count("pk"))
    }
    choices = []
    for method in methods.order_by("-year", "title"):
        for colour in (Colour.RED, Colour.YELLOW):
            if counts.get((method.pk, colour)):
                label = f"{colour.label} зона — {method.title} ({method.year}): {counts[(method.pk, colour)]} орг."
                choices.append((f"{method.pk}:{colour}", label))
    return choices


def zone_group_members(municipality_id: int, key: str):
    """The municipality's organisations in zone `<method id>:<colour>`; None for a malformed key."""
    method_id, _, colour = key.partition(":")
    if not method_id.isdigit() or colour not in Colour.values:
        return None
    return Organization.objects.filter(
        municipality_id=municipality_id, zones__method_id=int(method_id), zones__colour=colour
    )


# --- the results of a zoning, for the order on them ------------------------------------------------

#: Zones from the worst to the best: a move to a later one is an improvement.
ZONE_RANK = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2}


@dataclass(frozen=True)
class ZoningResultRow:
    organization: Organization
    colour: str
    previous: str  # the zone by last year's approved method, "" when it had none

    @property
    def movement(self) -> str:
        """«улучшение», «ухудшение», «без изменений», or "" when the two cannot be compared."""
        if self.colour not in ZONE_RANK or self.previous not in ZONE_RANK:
            return ""
        change = ZONE_RANK[self.colour] - ZONE_RANK[self.previous]
        return "улучшение" if change > 0 else "ухудшение" if change < 0 else "без изменений"


@dataclass(frozen=True)
class ZoningResults:
    """An approved method's zones beside last year's, the measures and recommendations made from
    them: what the «приказ об итогах мониторинга» states."""

    method: ZoningMethod
    previous_method: ZoningMethod | None
    rows: list[ZoningResultRow]
    recommendations: list
    measures: list

    def count(self, colour: str, *, previous: bool = False) -> int:
        return sum(1 for row in self.rows if (row.previous if previous else row.colour) == colour)

    def moved(self, movement: str) -> int:
        return sum(1 for row in self.rows if row.movement == movement)

    @property
    def red_last_year(self) -> int:
        return self.count(Colour.RED, previous=True)

    @property
    def left_red(self) -> int:
        """Organisations red last year that are not red now (and have data to say so)."""
        return sum(1 for row in self.rows if row.previous == Colour.RED and row.colour in (Colour.YELLOW, Colour.GREEN))


def zoning_results(method: ZoningMethod) -> ZoningResults:
    """The zones of `method` with each organisation's zone by the municipality's approved method of
    the year before (the latest of that year), sorted from the red zone to the green one."""
    previous_method = (
        ZoningMethod.objects.filter(
            municipality_id=method.municipality_id, year=method.year - 1, status=ZoningMethod.Status.APPROVED
        )
        .order_by("-pk")
        .first()
    )
    before = (
        dict(Zone.objects.filter(method=previous_method).values_list("organization_id", "colour"))
        if previous_method
        else {}
    )
    order = {Colour.RED: 0, Colour.YELLOW: 1, Colour.GREEN: 2, Colour.NO_DATA: 3}
    zones = Zone.objects.filter(method=method).select_related("organization")
    rows = sorted(
        (ZoningResultRow(zone.organization, zone.colour, before.get(zone.organization_id, "")) for zone in zones),
        key=lambda row: (order.get(row.colour, 9), row.organization.short_name),
    )
    return ZoningResults(
        method=method,
        previous_method=previous_method,
        rows=rows,
        recommendations=list(method.recommendations.order_by("created_at", "pk")),
        measures=list(
            method.targeted_measures.select_related("measure").prefetch_related("organizations").order_by("pk")
        ),
    )
