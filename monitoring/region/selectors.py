"""Region-wide values of the indicators («в целом по краю», seed 004) and the comparison of a
region's municipalities, read from the municipalities' pooled IndicatorValue rows (organization
NULL) of the region (Municipality.region).

Computed on the fly, not stored. Each municipality's pooled row already keeps its numerator and
denominator (the counts of its pupils), so the region's value is one GROUP BY over those rows:
Σ numerators / Σ denominators, weighted by participants as the municipality's own value is weighted
by its schools' participants — never a mean of the municipalities' percentages. The rows are few (a
region of 40 municipalities has about ten thousand a year, against a million school and class
rows), the answer is cached until the indicator values change (config.lib.fragments, INDICATORS),
and nothing needs a job: nothing here reads results.

How each kind of indicator is weighted (`weighting_of`):

* a share (Σ numerators / Σ denominators × 100: ВПР, ОГЭ, ЕГЭ, КДР shares, reported ratios, yes/no
  answers as the share of «да») — by participants: the denominators are summed;
* a count (reported numbers such as «Количество обучающихся …», unit «чел.») — the region's count is
  the sum of the municipalities' counts; there is no denominator and no colour beside the region;
* the ВПР mark distribution — the counts of each mark are summed and the shares taken from the sums;
* the КДР control-group gap — the control group's and the rest's counts (base or above, of all with
  a level) are summed across the municipalities, and the gap is taken from the two pooled shares;
* the dynamics of the share of «2» — the region's share of «2» this year minus last year's, both
  pooled over the municipalities that have the share in both years (a municipality that wrote ВПР
  in one year only would otherwise change the region's number by itself).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.http import Http404

from config.lib.fragments import INDICATORS, ORGANIZATIONS, fragment
from monitoring.indicators import share
from monitoring.models import Assessment, IndicatorDefinition, IndicatorValue
from schools.access import access_for, enforce
from schools.models import Municipality

REGION_REFUSED = "«Показатели региона» открывают сотрудники региональной организации, наблюдатели и администраторы"

# How the region's value is made from the municipalities' (module docstring).
POOLED = "pooled"
SUM = "sum"
DISTRIBUTION = "distribution"
CONTROL_GAP = "control_gap"
DYNAMICS = "dynamics"
SPECIAL = {
    "vpr_mark_distribution": DISTRIBUTION,
    "kdr_control_gap": CONTROL_GAP,
    "vpr_share_2_dynamics": DYNAMICS,
}
DYNAMICS_OF = "vpr_share_2"  # the share whose yearly change `vpr_share_2_dynamics` is

#: A municipality's value within this many units (p.p. for shares) of the region's is shown as
#: «на уровне региона»: smaller differences are noise of a few pupils, not a finding.
REGION_MARGIN = 1.0

# The procedure an indicator is computed from, for the page's filter: its code begins with the
# kind (vpr_…, oge_…); the reported ones come from organisations; the rest use several procedures.
REPORTED = "reported"
SEVERAL = "several"
PROCEDURES = [
    *((kind, Assessment.Kind(kind).label) for kind in ("vpr", "oge", "ege", "kdr")),
    (SEVERAL, "Несколько процедур"),
    (REPORTED, "Собираемые от организаций"),
]


def weighting_of(definition: IndicatorDefinition) -> str:
    if definition.code in SPECIAL:
        return SPECIAL[definition.code]
    if definition.form_kind == IndicatorDefinition.FormKind.NUMBER:
        return SUM
    return POOLED


def procedure_of(definition: IndicatorDefinition) -> str:
    if definition.is_reported:
        return REPORTED
    prefix = definition.code.split("_", 1)[0]
    return prefix if prefix in dict(PROCEDURES) else SEVERAL


Key = tuple[int, str, int | None]  # indicator id, subject ("" — as a whole), grade (None — all)


@dataclass(frozen=True)
class RegionValue:
    """One indicator's value over the region for one slice (subject × grade, or as a whole)."""

    value: float | None  # None: «нет данных»
    numerator: float | None
    denominator: float | None
    participants: float | None  # the base of the value: pupils with a result, organisations answering…
    municipalities: int  # municipalities with a value in it
    details: dict = field(default_factory=dict)


def _participants(weighting: str, denominator, details) -> float | None:
    """The number the value rests on: the denominator; for the control-group gap both groups."""
    if weighting == CONTROL_GAP:
        try:
            return details["control_group"][1] + details["rest"][1]
        except (KeyError, IndexError, TypeError):
            return None
    if weighting in (SUM, DYNAMICS):
        return None
    return denominator


def _municipality_ids(region: str) -> list[int]:
    return list(Municipality.objects.filter(region=region).values_list("pk", flat=True))


def _pooled(queryset, region: str, municipality_ids: list[int] | None = None):
    """The pooled rows (organization NULL) of the region's municipalities. By a list of ids rather
    than a join: PostgreSQL then reads the index on (organization, indicator, year) at NULL — the few
    pooled rows — instead of every school's row of each municipality (2 ms against 130 ms at 40
    municipalities and 1,500 schools, bench/region_values.py)."""
    ids = _municipality_ids(region) if municipality_ids is None else municipality_ids
    return queryset.filter(organization__isnull=True, class_name="", municipality_id__in=ids).order_by()


def _pooled_rows(region: str, year: int, ids: list[int]):
    return _pooled(IndicatorValue.objects.filter(year=year), region, ids)


def region_values(region: str, year: int) -> dict[Key, RegionValue]:
    """Every indicator's value over the region's municipalities in the academic year, by slice;
    cached until indicator values (or the registry, where a municipality's region is named) change.
    Not scoped: the caller decides who sees the region's values (`Access.can_compare_region`,
    `Access.sees_region_value`); they show no municipality's and no school's own numbers."""
    return fragment("region-values", (region, year), [INDICATORS, ORGANIZATIONS], lambda: _compute(region, year))


def _compute(region: str, year: int) -> dict[Key, RegionValue]:
    definitions = {d.pk: d for d in IndicatorDefinition.objects.all()}
    by_code = {d.code: d for d in definitions.values()}
    special = {by_code[code].pk: kind for code, kind in SPECIAL.items() if code in by_code}
    ids = _municipality_ids(region)
    # One GROUP BY over the municipalities' pooled rows: the region of every share and count.
    grouped = (
        _pooled_rows(region, year, ids)
        .values("indicator_id", "subject", "grade")
        .annotate(numerator=Sum("numerator"), denominator=Sum("denominator"), municipalities=Count("value"))
    )
    values: dict[Key, RegionValue] = {}
    for row in grouped:
        definition = definitions.get(row["indicator_id"])
        if definition is None or row["indicator_id"] in special:
            continue
        key = (row["indicator_id"], row["subject"], row["grade"])
        weighting = weighting_of(definition)
        numerator, denominator = row["numerator"], row["denominator"]
        if weighting == SUM:
            value, denominator = (float(numerator) if numerator is not None else None), None
        else:
            value = share(numerator, denominator)
        values[key] = RegionValue(
            value=value,
            numerator=numerator,
            denominator=denominator,
            participants=_participants(weighting, denominator, {}),
            municipalities=row["municipalities"],
        )
    for pk, kind in special.items():
        if kind == DISTRIBUTION:
            values.update(_distribution(region, year, pk, ids))
        elif kind == CONTROL_GAP:
            values.update(_control_gap(region, year, pk, ids))
        elif DYNAMICS_OF in by_code:
            values.update(_dynamics(region, year, pk, by_code[DYNAMICS_OF].pk, ids))
    return values


def _summed_details(region: str, year: int, indicator_id: int, ids: list[int]):
    rows = _pooled_rows(region, year, ids).filter(indicator_id=indicator_id)
    return rows.values_list("subject", "grade", "details", "value")


def _distribution(region: str, year: int, indicator_id: int, ids: list[int]) -> dict[Key, RegionValue]:
    """The counts of each ВПР mark summed; the shares of each mark follow from the sums."""
    marks: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys("2345", 0))
    with_value: dict[tuple, int] = defaultdict(int)
    for subject, grade, details, value in _summed_details(region, year, indicator_id, ids):
        for mark in "2345":
            marks[(subject, grade)][mark] += int((details or {}).get(mark) or 0)
        with_value[(subject, grade)] += value is not None
    result = {}
    for (subject, grade), counts in marks.items():
        total = sum(counts.values())
        result[(indicator_id, subject, grade)] = RegionValue(
            value=100.0 if total else None,
            numerator=total,
            denominator=total,
            participants=total,
            municipalities=with_value[(subject, grade)],
            details={mark: counts[mark] for mark in "2345"},
        )
    return result


def _control_gap(region: str, year: int, indicator_id: int, ids: list[int]) -> dict[Key, RegionValue]:
    """| pooled share of base or above among the rest − that in the control groups |, in p.p."""
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    with_value: dict[tuple, int] = defaultdict(int)
    for subject, grade, details, value in _summed_details(region, year, indicator_id, ids):
        control, rest = (details or {}).get("control_group") or [0, 0], (details or {}).get("rest") or [0, 0]
        pooled = sums[(subject, grade)]
        pooled[0] += int(control[0] or 0)
        pooled[1] += int(control[1] or 0)
        pooled[2] += int(rest[0] or 0)
        pooled[3] += int(rest[1] or 0)
        with_value[(subject, grade)] += value is not None
    result = {}
    for (subject, grade), (cg_base, cg_n, rest_base, rest_n) in sums.items():
        gap = None
        if cg_n and rest_n:
            gap = abs(rest_base * 100.0 / rest_n - cg_base * 100.0 / cg_n)
        details = {"control_group": [cg_base, cg_n], "rest": [rest_base, rest_n]}
        result[(indicator_id, subject, grade)] = RegionValue(
            value=gap,
            numerator=None,
            denominator=cg_n,
            participants=_participants(CONTROL_GAP, cg_n, details),
            municipalities=with_value[(subject, grade)],
            details=details,
        )
    return result


def _dynamics(region: str, year: int, indicator_id: int, share_id: int, ids: list[int]) -> dict[Key, RegionValue]:
    """The region's share of «2» this year minus last year's, each pooled over the municipalities
    with the share in both years (same subject and grade)."""
    rows = _pooled(
        IndicatorValue.objects.filter(year__in=[year, year - 1], indicator_id=share_id, denominator__gt=0), region, ids
    ).values_list("municipality_id", "subject", "grade", "year", "numerator", "denominator")
    by_slice: dict[tuple, dict[int, dict[int, tuple]]] = defaultdict(lambda: defaultdict(dict))
    for municipality, subject, grade, of_year, numerator, denominator in rows:
        by_slice[(subject, grade)][municipality][of_year] = (numerator or 0, denominator)
    # the slices some municipality has the dynamics of (indicators_compute writes one, «нет данных»
    # included, for every slice of this year's share)
    slices = set(_pooled_rows(region, year, ids).filter(indicator_id=indicator_id).values_list("subject", "grade"))
    result = {}
    for subject, grade in slices:
        municipalities = by_slice.get((subject, grade), {})
        matched = [years for years in municipalities.values() if year in years and year - 1 in years]
        now = share(sum(y[year][0] for y in matched), sum(y[year][1] for y in matched))
        before = share(sum(y[year - 1][0] for y in matched), sum(y[year - 1][1] for y in matched))
        change = now - before if now is not None and before is not None else None
        result[(indicator_id, subject, grade)] = RegionValue(
            value=change,
            numerator=None,
            denominator=None,
            participants=sum(y[year][1] for y in matched) or None,
            municipalities=len(matched),
            details={"current": now, "previous": before},
        )
    return result


# --- Who sees which region ------------------------------------------------------------------------


def regions_for(user) -> list[str]:
    """The regions whose «Показатели региона» the person opens: every region with municipalities for
    viewers and administrators, their own for the region's staff, none for anyone else."""
    access = access_for(user)
    if access.sees_everything:
        return sorted(set(Municipality.objects.exclude(region="").values_list("region", flat=True)))
    return sorted(region for region in access.regions if access.can_compare_region(region))


def region_for(user, asked: str | None) -> str:
    """The region asked for (refused with the rule's message when the person may not compare it),
    or the person's first; 404 when there is no such region."""
    regions = regions_for(user)
    region = asked or (regions[0] if regions else "")
    enforce(access_for(user).can_compare_region(region), REGION_REFUSED)
    if region not in regions and not Municipality.objects.filter(region=region).exists():
        raise Http404("Нет такого региона")
    return region


def region_coverage(region: str) -> dict[int, int]:
    """Years with pooled values in the region's municipalities → how many municipalities have them."""
    return dict(
        _pooled(IndicatorValue.objects.all(), region)
        .values_list("year")
        .annotate(municipalities=Count("municipality_id", distinct=True))
    )


def default_year(coverage: dict[int, int]) -> int | None:
    """The year a page opens on: the latest of those with values in the most municipalities (a year in
    which one municipality alone has collected reported data is not the region's picture)."""
    return max(coverage, key=lambda year: (coverage[year], year)) if coverage else None


# --- The comparison of municipalities ------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One indicator in one slice: a column of the comparison."""

    index: int
    definition: IndicatorDefinition
    subject: str
    grade: int | None
    region: RegionValue
    weighting: str

    @property
    def slice_label(self) -> str:
        parts = [self.subject] if self.subject else []
        if self.grade is not None:
            parts.append(f"{self.grade} кл.")
        return ", ".join(parts) or "в целом"

    @property
    def sort_key(self) -> str:
        return f"c{self.index}"

    @property
    def compared(self) -> bool:
        """Whether a municipality's value is coloured against the region's: not for counts (the
        region's count is the sum of the municipalities') nor where neither way is better."""
        return self.weighting != SUM and self.definition.better != IndicatorDefinition.Better.NONE


@dataclass(frozen=True)
class Cell:
    value: float | None
    participants: float | None
    verdict: str  # "better", "worse", "same" or "" (not compared, or no value)
    difference: float | None  # the municipality's value minus the region's


@dataclass
class ComparisonRow:
    municipality: Municipality
    cells: list[Cell]


@dataclass
class Comparison:
    region: str
    year: int | None
    columns: list[Column]
    rows: list[ComparisonRow]
    subjects: list[str]
    grades: list[int]
    directions: list[str]
    subject: str = ""  # the slice shown: the subject and grade asked for, if the year has them
    grade: int | None = None


def verdict(value: float | None, region: float | None, better: str, *, margin: float = REGION_MARGIN) -> str:
    """«better», «worse» or «same» than the region's value, by the indicator's better direction."""
    if value is None or region is None or better == IndicatorDefinition.Better.NONE:
        return ""
    difference = value - region
    if abs(difference) < margin:
        return "same"
    higher = difference > 0
    return "better" if higher == (better == IndicatorDefinition.Better.HIGHER) else "worse"


def region_comparison(
    user,
    region: str,
    year: int | None,
    *,
    direction: str = "",
    procedure: str = "",
    subject: str = "",
    grade: int | None = None,
    sort: str = "",
) -> Comparison:
    """The region's municipalities × the indicators of one slice (as a whole, or of a subject, and a
    grade), the region's value of each column first. Filtered by direction and procedure; `sort` is
    «name», or «c<column>» (from the best value) with «-» in front for the reverse."""
    enforce(access_for(user).can_compare_region(region), REGION_REFUSED)
    municipalities = list(Municipality.objects.filter(region=region).order_by("name"))
    empty = Comparison(region, year, [], [ComparisonRow(m, []) for m in municipalities], [], [], [])
    if year is None:
        return empty
    values = region_values(region, year)
    definitions = {d.pk: d for d in IndicatorDefinition.objects.all()}
    subjects = sorted({key[1] for key in values if key[1]})
    if subject not in subjects:
        subject = ""  # a subject (or a grade) of another year: the values as a whole
    grades = sorted({key[2] for key in values if key[2] is not None and (not subject or key[1] == subject)})
    if grade not in grades:
        grade = None
    directions = sorted({d.direction_code for pk, d in definitions.items() if d.direction_code and any(
        key[0] == pk for key in values)})  # fmt: skip

    def wanted(key: Key) -> bool:
        definition = definitions.get(key[0])
        # The mark distribution is 100 % by construction: its parts are the columns of the shares
        # of «2» and of «4» and «5».
        if definition is None or weighting_of(definition) == DISTRIBUTION:
            return False
        if direction and definition.direction_code != direction:
            return False
        if procedure and procedure_of(definition) != procedure:
            return False
        if subject:
            return key[1] == subject and (grade is None or key[2] == grade)
        return not key[1] and key[2] is None

    keys = sorted(
        (key for key in values if wanted(key)),
        key=lambda k: (definitions[k[0]].order, definitions[k[0]].code, k[1], k[2] if k[2] is not None else -1),
    )
    columns = [
        Column(
            index=i,
            definition=definitions[key[0]],
            subject=key[1],
            grade=key[2],
            region=values[key],
            weighting=weighting_of(definitions[key[0]]),
        )
        for i, key in enumerate(keys)
    ]
    found: dict[tuple, tuple] = {}
    if columns:
        visible = IndicatorValue.objects.for_user(user).filter(
            year=year, indicator_id__in={c.definition.pk for c in columns}
        )
        rows = (
            _pooled(visible, region, [m.pk for m in municipalities])
            .filter(Q(subject=subject) if subject else Q(subject="", grade__isnull=True))
            .values_list("municipality_id", "indicator_id", "subject", "grade", "value", "denominator", "details")
        )
        for municipality, indicator, of_subject, of_grade, value, denominator, details in rows:
            found[(municipality, indicator, of_subject, of_grade)] = (value, denominator, details)
    table = []
    for municipality in municipalities:
        cells = []
        for column in columns:
            value, denominator, details = found.get(
                (municipality.pk, column.definition.pk, column.subject, column.grade), (None, None, None)
            )
            compared = column.compared and value is not None and column.region.value is not None
            cells.append(
                Cell(
                    value=value,
                    participants=_participants(column.weighting, denominator, details or {}),
                    verdict=verdict(value, column.region.value, column.definition.better) if compared else "",
                    difference=value - column.region.value if compared else None,
                )
            )
        table.append(ComparisonRow(municipality, cells))
    _sort(table, columns, sort)
    return Comparison(region, year, columns, table, subjects, grades, directions, subject, grade)


def _sort(rows: list[ComparisonRow], columns: list[Column], sort: str) -> None:
    """By name, or by a column from the best value to the worst (municipalities without a value last);
    «-» in front reverses the order of those with a value."""
    reverse = sort.startswith("-")
    name = sort.lstrip("-")
    if name.startswith("c") and name[1:].isdigit() and int(name[1:]) < len(columns):
        index = int(name[1:])
        lower_first = columns[index].definition.better == IndicatorDefinition.Better.LOWER
        having = [r for r in rows if r.cells[index].value is not None]
        missing = [r for r in rows if r.cells[index].value is None]
        having.sort(key=lambda r: r.municipality.name)
        having.sort(key=lambda r: r.cells[index].value, reverse=not lower_first)
        if reverse:
            having.reverse()
        rows[:] = having + missing
    else:
        rows.sort(key=lambda r: r.municipality.name, reverse=reverse)


def comparison_table(comparison: Comparison) -> tuple[list[str], list[list]]:
    """The comparison as a sheet: a value and its participants for each column; the region first."""
    header = ["Муниципалитет"]
    for column in comparison.columns:
        title = f"{column.definition.name} ({column.slice_label}), {column.definition.unit}"
        header += [title, "Участников (знаменатель)"]

    def number(value):
        if value is None:
            return ""
        return round(value, 2) if isinstance(value, float) and not value.is_integer() else int(value)

    region_row = [f"{comparison.region} (регион в целом)"]
    for column in comparison.columns:
        region_row += [
            "нет данных" if column.region.value is None else number(column.region.value),
            number(column.region.participants),
        ]
    rows = [region_row]
    for row in comparison.rows:
        line = [row.municipality.name]
        for cell in row.cells:
            line += ["нет данных" if cell.value is None else number(cell.value), number(cell.participants)]
        rows.append(line)
    return header, rows


# --- The region beside one municipality (the overview) ---------------------------------------------


@dataclass(frozen=True)
class BesideRow:
    definition: IndicatorDefinition
    own: float | None
    own_participants: float | None
    region: RegionValue | None
    verdict: str


def region_beside(user, municipality: Municipality, year: int | None) -> list[BesideRow]:
    """Each indicator as a whole for the municipality and for its region, side by side: the
    municipality's staff see their region's value (never another municipality's own)."""
    enforce(access_for(user).sees_region_value(municipality.pk), REGION_REFUSED)
    if year is None or not municipality.region:
        return []
    region = region_values(municipality.region, year)
    own = {
        pk: (value, denominator, details)
        for pk, value, denominator, details in IndicatorValue.objects.for_user(user)
        .filter(
            municipality=municipality,
            organization__isnull=True,
            class_name="",
            subject="",
            grade__isnull=True,
            year=year,
        )
        .order_by()
        .values_list("indicator_id", "value", "denominator", "details")
    }
    rows = []
    for definition in IndicatorDefinition.objects.order_by("order", "code"):
        regional = region.get((definition.pk, "", None))
        if (definition.pk not in own and regional is None) or weighting_of(definition) == DISTRIBUTION:
            continue
        value, denominator, details = own.get(definition.pk, (None, None, None))
        weighting = weighting_of(definition)
        compared = weighting != SUM and regional is not None
        rows.append(
            BesideRow(
                definition=definition,
                own=value,
                own_participants=_participants(weighting, denominator, details or {}),
                region=regional,
                verdict=verdict(value, regional.value, definition.better) if compared else "",
            )
        )
    return rows
