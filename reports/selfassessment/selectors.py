"""Самооценка муниципальных механизмов управления качеством образования: for a municipality and a
year, the eight directions × the nine stages of the management cycle, each cell scored by its
stage's rule (roadmaps.StageRule, catalogue data) from the product's own records — approved measures
of the direction and stage, their accepted evidence of the kinds the stage expects, computed
indicators, approved zonings, справки, recommendations, orders on results, analyses of
effectiveness, published items.

The facts are read in bulk (one query per source for any number of municipalities), so a region's
table costs the same handful of queries as one municipality's matrix; the municipality's page keeps
the records behind each cell (`detail=True`) to link them, a region's table only counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse

from config.lib.fragments import DOCUMENTS, EXECUTION, INDICATORS, ROADMAPS, ZONES, fragment, fragment_peek
from config.lib.russian import plural
from config.lib.years import academic_year, academic_year_label, academic_year_window
from monitoring.models import IndicatorValue, Recommendation, ZoningMethod
from reports.models import AnalyticReport, Publication, ReportFile
from roadmaps.models import (
    Assignment,
    CycleStage,
    Direction,
    DirectionGroup,
    Evidence,
    Measure,
    Order,
    Roadmap,
    StageRequirement,
    StageRule,
)
from schools.models import Municipality

Source = StageRequirement.Source
TOPICS = (ROADMAPS, EXECUTION, ZONES, INDICATORS, DOCUMENTS)
#: A справка on an assessment (ВПР, ОГЭ, ЕГЭ, КДР) analyses the quality of the pupils' preparation:
#: it counts for direction 1.1; a справка on a direction's indicators counts for that direction.
ASSESSMENT_DIRECTION = "1.1"
#: Sources that are facts of the municipality's year as a whole, not of one direction.
WHOLE_YEAR_SOURCES = {Source.PUBLISHED}

NONE, PARTIAL, FULL = "none", "partial", "full"
STATUS_LABELS = {NONE: "нет", PARTIAL: "частично", FULL: "полностью"}

# What is missing, as it follows «нет» in a sentence («нет принятой аналитической справки …»).
MISSING = {
    Source.MEASURE: "мероприятия этапа «{stage}» в утверждённой дорожной карте",
    Source.EVIDENCE: "принятого документа ({kinds}) по мероприятиям этапа «{stage}»",
    Source.INDICATORS: "рассчитанных показателей направления",
    Source.ZONING: "утверждённого и рассчитанного зонирования по показателям направления",
    Source.SPRAVKA: "утверждённой аналитической справки по направлению",
    Source.RECOMMENDATIONS: "адресных рекомендаций по направлению",
    Source.EFFECTIVENESS: "анализа эффективности принятых мер (документа) по показателям направления",
    Source.DECISION: "подписанного приказа об итогах мониторинга по показателям направления",
    Source.PUBLISHED: "материалов года на открытой странице",
}
# The step that closes it, and the page where it is taken.
STEPS = {
    Source.MEASURE: ("Включить в дорожную карту мероприятие этапа «{stage}» и утвердить её", "roadmaps:list"),
    Source.EVIDENCE: ("Загрузить {kinds} по мероприятию этапа «{stage}» и принять исполнение", "execution:review"),
    Source.INDICATORS: ("Рассчитать показатели за год", "monitoring:indicators"),
    Source.ZONING: ("Утвердить методику зонирования и рассчитать зоны", "monitoring:methods"),
    Source.SPRAVKA: ("Сформировать и утвердить аналитическую справку", "reports:spravki"),
    Source.RECOMMENDATIONS: ("Направить адресные рекомендации", "recommendations:list"),
    Source.EFFECTIVENESS: ("Сформировать анализ эффективности мер (PDF)", "monitoring:effectiveness"),
    Source.DECISION: ("Подготовить и подписать приказ об итогах мониторинга", "monitoring:methods"),
    Source.PUBLISHED: ("Опубликовать материалы на открытой странице", "reports:publications"),
}


# --- The facts ---------------------------------------------------------------------------------


@dataclass
class Proof:
    """One record behind a cell: what it is, its number and date, where to open it (and where it is
    published, when it is)."""

    label: str
    url: str = ""
    number: str = ""
    date: date | None = None
    public_url: str = ""
    kind: str = ""


@dataclass
class Facts:
    """What the product holds for each municipality in a year. Keys: (municipality_id, direction
    code, stage code) for measures and evidence, (municipality_id, direction code) for the others,
    municipality_id for whole-year facts. Values: the records (`detail`) or how many there are."""

    measures: dict = field(default_factory=lambda: defaultdict(list))
    evidence: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    by_direction: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    whole_year: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))


def _municipal_measures(ids: Iterable[int], year: int):
    start, end = academic_year_window(year)
    return Measure.objects.filter(
        section__roadmap__status=Roadmap.Status.APPROVED,
        section__roadmap__level=Roadmap.Level.MUNICIPAL,
        section__roadmap__owner__municipality_id__in=ids,
        section__roadmap__period_start__lte=end,
        section__roadmap__period_end__gte=start,
        section__direction__isnull=False,
        stage__isnull=False,
    )


def _published_files(ids: Iterable[int]) -> dict[int, int]:
    """Kept file → its publication, for the files published and not withdrawn."""
    return dict(
        Publication.objects.filter(municipality_id__in=ids, withdrawn_at__isnull=True, file__isnull=False).values_list(
            "file_id", "pk"
        )
    )


def _public(file_id: int | None, published: dict[int, int]) -> str:
    return reverse("public:file", args=[published[file_id]]) if file_id in published else ""


def facts_read(municipality_ids: Iterable[int], year: int, *, detail: bool) -> Facts:
    ids = list(municipality_ids)
    start, end = academic_year_window(year)
    facts = Facts()
    municipality = "section__roadmap__owner__municipality_id"
    measures = _municipal_measures(ids, year)
    if detail:
        rows = measures.values_list(
            "pk", "description", "section__roadmap_id", municipality, "section__direction__code", "stage__code"
        )
        for pk, description, roadmap_id, m, d, s in rows.order_by("section__order", "order"):
            url = reverse("roadmaps:detail", args=[roadmap_id]) + f"#measure-{pk}"
            facts.measures[(m, d, s)].append(Proof(label=_short(description), url=url, kind="мероприятие"))
    else:
        for m, d, s, n in (
            measures.values_list(municipality, "section__direction__code", "stage__code")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            facts.measures[(m, d, s)] = n

    # One municipality's measures are a short list: given as values, the database looks up their
    # occurrences by index instead of scanning every accepted occurrence (PostgreSQL's plan for the
    # subquery); a region's chunk keeps the subquery.
    measure_ids = list(measures.values_list("pk", flat=True)) if detail else measures
    evidence = Evidence.objects.filter(
        assignment__measure__in=measure_ids,
        assignment__status=Assignment.Status.ACCEPTED,
    ).filter(Q(assignment__due_date__range=(start, end)) | Q(assignment__due_date__isnull=True))
    where = (
        f"assignment__measure__{municipality}",
        "assignment__measure__section__direction__code",
        "assignment__measure__stage__code",
        "kind__code",
    )
    if detail:
        rows = evidence.values_list(*where, "assignment_id", "title", "number", "date", "kind__title")
        occurrence_url = reverse("execution:assignment", args=[0]).replace("/0/", "/{}/")
        for m, d, s, kind, assignment_id, title, number, when, kind_title in rows.order_by("date", "pk"):
            url = occurrence_url.format(assignment_id)
            facts.evidence[(m, d, s)][kind].append(
                Proof(label=title, url=url, number=number, date=when, kind=kind_title)
            )
    else:
        for m, d, s, kind, n in evidence.values_list(*where).annotate(n=Count("pk")).order_by():
            facts.evidence[(m, d, s)][kind] = n

    published = _published_files(ids)
    _direction_facts(facts, ids, year, published)
    _whole_year_facts(facts, ids, year, published)
    if not detail:  # a region's table counts
        for source in (facts.by_direction, facts.whole_year):
            for key, by_source in source.items():
                source[key] = {name: len(proofs) for name, proofs in by_source.items()}
    return facts


def _direction_facts(facts: Facts, ids: list[int], year: int, published: dict[int, int]) -> None:
    start, end = academic_year_window(year)
    add = facts.by_direction

    values = (
        IndicatorValue.objects.filter(
            municipality_id__in=ids, year=year, organization__isnull=True, value__isnull=False
        )
        .values_list("municipality_id", "indicator__direction_code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for m, d, n in values:
        url = reverse("monitoring:indicators") + f"?year={year}&direction={d}"
        label = f"{n} {plural(n, 'значение', 'значения', 'значений')} показателей направления {d} за {academic_year_label(year)}"
        add[(m, d)][Source.INDICATORS].append(Proof(label=label, url=url, kind="показатели"))

    zonings = ZoningMethod.objects.filter(
        municipality_id__in=ids, year=year, status=ZoningMethod.Status.APPROVED, computed_at__isnull=False
    )
    rows = (
        zonings.values_list(
            "pk",
            "title",
            "municipality_id",
            "approval_order__number",
            "approval_order__date",
            "rules__indicator__direction_code",
        )
        .distinct()
        .order_by()
    )  # fmt: skip  (no ordering column in the DISTINCT)
    for pk, title, m, number, when, d in rows:
        if d:
            url = reverse("monitoring:method", args=[pk])
            add[(m, d)][Source.ZONING].append(
                Proof(label=title, url=url, number=number or "", date=when, kind="методика зонирования")
            )

    spravki = AnalyticReport.objects.filter(municipality_id__in=ids, year=year, status=AnalyticReport.Status.APPROVED)
    public_spravki = dict(
        Publication.objects.filter(
            municipality_id__in=ids, withdrawn_at__isnull=True, file__spravka__in=spravki
        ).values_list("file__spravka_id", "pk")
    )
    for pk, title, m, d, subject, approved_at in spravki.values_list(
        "pk", "title", "municipality_id", "direction_code", "subject", "approved_at"
    ):
        d = d if subject == AnalyticReport.Subject.DIRECTION else ASSESSMENT_DIRECTION
        public = reverse("public:file", args=[public_spravki[pk]]) if pk in public_spravki else ""
        add[(m, d)][Source.SPRAVKA].append(
            Proof(
                label=title,
                url=reverse("reports:spravka", args=[pk]),
                date=approved_at.date() if approved_at else None,
                public_url=public,
                kind="аналитическая справка",
            )
        )

    recommendations = Recommendation.objects.filter(municipality_id__in=ids, created_at__date__range=(start, end))
    seen = set()
    for pk, text, m, created_at, by_measure, by_zoning in recommendations.values_list(
        "pk", "text", "municipality_id", "created_at", "measures__section__direction__code",
        "zoning_method__rules__indicator__direction_code",
    ).order_by("created_at", "pk"):  # fmt: skip
        for d in {by_measure, by_zoning} - {None, ""}:
            if (pk, d) in seen:
                continue
            seen.add((pk, d))
            add[(m, d)][Source.RECOMMENDATIONS].append(
                Proof(
                    label=_short(text),
                    url=reverse("recommendations:detail", args=[pk]),
                    date=created_at.date(),
                    kind="адресная рекомендация",
                )
            )

    analyses = ReportFile.objects.filter(
        kind=ReportFile.Kind.EFFECTIVENESS_PDF, zoning_method__municipality_id__in=ids, zoning_method__year=year
    )
    seen = set()
    for pk, m, created_at, title, d in analyses.values_list(
        "pk",
        "zoning_method__municipality_id",
        "created_at",
        "zoning_method__title",
        "zoning_method__rules__indicator__direction_code",
    ).order_by("-created_at"):
        # the latest analysis of each method is the one that counts; older prints are its drafts
        if not d or (m, d, title) in seen:
            continue
        seen.add((m, d, title))
        add[(m, d)][Source.EFFECTIVENESS].append(
            Proof(
                label=f"Анализ эффективности принятых мер: {title}",
                url=reverse("reports:file", args=[pk]),
                date=created_at.date(),
                public_url=_public(pk, published),
                kind="анализ эффективности",
            )
        )

    decisions = (
        ZoningMethod.objects.filter(municipality_id__in=ids, year=year, results_order__status=Order.Status.SIGNED)
        .values_list(
            "results_order_id",
            "results_order__title",
            "results_order__number",
            "results_order__date",
            "municipality_id",
            "rules__indicator__direction_code",
        )
        .distinct()
        .order_by()
    )  # fmt: skip  (one order shared by two methods is one decision)
    for order_id, title, number, when, m, d in decisions:
        if d:
            add[(m, d)][Source.DECISION].append(
                Proof(
                    label=title, url=reverse("reports:order", args=[order_id]), number=number, date=when, kind="приказ"
                )
            )


def _whole_year_facts(facts: Facts, ids: list[int], year: int, published: dict[int, int]) -> None:
    """Items published on the open page that belong to the year: its indicator values, a zoning or a
    справка of the year, a roadmap whose period covers it, an order or a recommendation made in it."""
    start, end = academic_year_window(year)
    of_year = (
        Q(year=year)
        | Q(zoning_method__year=year)
        | Q(file__spravka__year=year)
        | Q(file__zoning_method__year=year)
        | Q(file__roadmap__period_start__lte=end, file__roadmap__period_end__gte=start)
        | Q(file__order__date__range=(start, end))
        | Q(file__recommendation__created_at__date__range=(start, end))
    )
    items = Publication.objects.filter(of_year, municipality_id__in=ids, withdrawn_at__isnull=True)
    for pk, title, m, kind, published_at in (
        items.values_list("pk", "title", "municipality_id", "kind", "published_at")
        .distinct()
        .order_by("published_at", "pk")
    ):
        public = (
            reverse("public:file", args=[pk])
            if kind == Publication.Kind.DOCUMENT
            else reverse("public:municipality", args=[m])
        )
        facts.whole_year[m][Source.PUBLISHED].append(
            Proof(label=title, url=public, date=published_at.date(), public_url=public, kind="публикация")
        )


def _short(text: str, length: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# --- The rules and the matrix ------------------------------------------------------------------


@dataclass
class Check:
    """One requirement of a cell: met or not, the records that meet it, and if not, what is missing
    and the step that closes it."""

    text: str
    met: bool
    proofs: list[Proof]
    count: int
    missing: str = ""
    step: str = ""
    step_url: str = ""


@dataclass
class Cell:
    direction: Direction
    stage: CycleStage
    rule: StageRule | None
    checks: list[Check]
    points: int = 0
    max_points: int = 0

    @property
    def status(self) -> str:
        met = sum(check.met for check in self.checks)
        if not self.checks or not met:
            return NONE
        return FULL if met == len(self.checks) else PARTIAL

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status] if self.rule else "правило не задано"

    @property
    def is_open(self) -> bool:
        """Scored below the full mark: «что сделать» lists it."""
        return self.rule is not None and self.points < self.max_points

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.met]


@dataclass
class Total:
    points: int = 0
    max_points: int = 0
    previous: int | None = None

    @property
    def percent(self) -> float | None:
        return round(100 * self.points / self.max_points, 1) if self.max_points else None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.points - self.previous


@dataclass
class Catalogue:
    """The directions, groups, stages and rules, read once per computation."""

    groups: list[DirectionGroup]
    directions: list[Direction]
    stages: list[CycleStage]
    rules: dict[int, StageRule]  # stage id → rule (with its requirements and their kinds)

    @classmethod
    def read(cls) -> Catalogue:
        rules = StageRule.objects.prefetch_related("requirements__evidence_kinds")
        return cls(
            groups=list(DirectionGroup.objects.all()),
            directions=list(Direction.objects.filter(is_federal=True).select_related("group")),
            stages=list(CycleStage.objects.all()),
            rules={rule.stage_id: rule for rule in rules},
        )

    def rule_rows(self) -> list[tuple[CycleStage, StageRule | None, list[str]]]:
        """Each stage with its rule and the rule's requirements in words (the page's «Как считается»)."""
        rows = []
        for stage in self.stages:
            rule = self.rules.get(stage.pk)
            texts = [requirement_text(r, stage) for r in rule.requirements.all()] if rule else []
            rows.append((stage, rule, texts))
        return rows


def requirement_text(requirement: StageRequirement, stage: CycleStage) -> str:
    """The requirement in words, as the page prints the rule."""
    parts = []
    for code in requirement.sources:
        if code == Source.EVIDENCE:
            kinds = _kinds(requirement)
            parts.append(f"принятый документ ({kinds}) по мероприятию этапа" if kinds else Source(code).label)
        elif code in Source.values:
            parts.append(Source(code).label)
    return " или ".join(parts)


def _kinds(requirement: StageRequirement) -> str:
    return ", ".join(kind.title.lower() for kind in requirement.evidence_kinds.all())


@dataclass
class Matrix:
    municipality: Municipality
    year: int
    catalogue: Catalogue
    cells: dict[tuple[str, str], Cell]
    directions: dict[str, Total]
    groups: dict[str, Total]
    overall: Total

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)

    def rows(self) -> list[tuple[Direction, list[Cell], Total]]:
        return [
            (
                direction,
                [self.cells[(direction.code, stage.code)] for stage in self.catalogue.stages],
                self.directions[direction.code],
            )
            for direction in self.catalogue.directions
        ]

    def group_rows(self) -> list[tuple[DirectionGroup, Total]]:
        return [(group, self.groups[group.code]) for group in self.catalogue.groups if group.code in self.groups]

    def open_cells(self) -> list[Cell]:
        """Cells below the full mark, lowest first, in the order of the cycle within each score."""
        cells = [cell for cell in self.cells.values() if cell.is_open]
        stage_order = {stage.pk: index for index, stage in enumerate(self.catalogue.stages)}
        direction_order = {direction.pk: index for index, direction in enumerate(self.catalogue.directions)}
        return sorted(cells, key=lambda c: (c.points, direction_order[c.direction.pk], stage_order[c.stage.pk]))


@dataclass(frozen=True)
class Requirement:
    """A rule's requirement as the scoring reads it, worked out once per computation: its sources, the
    evidence kinds it takes (empty: any), and its words."""

    sources: tuple[str, ...]
    kind_codes: frozenset[str]
    kinds: str  # the kinds in words, lower case
    text: str


def _requirements(catalogue: Catalogue, stage: CycleStage) -> list[Requirement]:
    rule = catalogue.rules.get(stage.pk)
    if rule is None:
        return []
    return [
        Requirement(
            sources=tuple(code for code in r.sources if code in Source.values),
            kind_codes=frozenset(kind.code for kind in r.evidence_kinds.all()),
            kinds=_kinds(r),
            text=requirement_text(r, stage),
        )
        for r in rule.requirements.all()
    ]


def _count(requirement: Requirement, facts: Facts, m: int, direction: str, stage: str) -> tuple[int, list[Proof]]:
    """How many records meet the requirement, and (with the records read) which."""
    count, proofs = 0, []
    for code in requirement.sources:
        if code == Source.MEASURE:
            found = [facts.measures.get((m, direction, stage), [])]
        elif code == Source.EVIDENCE:
            by_kind = facts.evidence.get((m, direction, stage), {})
            wanted = requirement.kind_codes
            found = [items for kind, items in by_kind.items() if not wanted or kind in wanted]
        elif code in WHOLE_YEAR_SOURCES:
            found = [facts.whole_year.get(m, {}).get(code, [])]
        else:
            found = [facts.by_direction.get((m, direction), {}).get(code, [])]
        for items in found:
            if isinstance(items, int):  # a region's count
                count += items
            else:
                count += len(items)
                proofs += items
    return count, proofs


def _check(requirement: Requirement, facts: Facts, m: int, direction: Direction, stage: CycleStage, year: int) -> Check:
    count, proofs = _count(requirement, facts, m, direction.code, stage.code)
    check = Check(text=requirement.text, met=count > 0, proofs=proofs, count=count)
    if not check.met:
        kinds = requirement.kinds or "документ"
        words = [MISSING[code].format(stage=stage.title, kinds=kinds) for code in requirement.sources]
        check.missing = (
            f"Нет {' или '.join(words)} по направлению {direction.code} за {academic_year_label(year)} учебный год"
        )
        step, url_name = STEPS[requirement.sources[0]] if requirement.sources else ("", "")
        if step:
            check.step = step.format(stage=stage.title, kinds=kinds)
            check.step_url = reverse(url_name)
    return check


def _points(rule: StageRule, met: int, required: int) -> int:
    if not required or not met:
        return 0
    return rule.points_full if met == required else rule.points_partial


def _score(
    catalogue: Catalogue, facts: Facts, municipality: Municipality, year: int, *, cells_too: bool = True
) -> tuple[dict[tuple[str, str], Cell], dict[str, Total], dict[str, Total], Total]:
    """Score every cell. `cells_too` False (a region's table, last year's totals): only the totals,
    without the words and records of each cell."""
    cells: dict[tuple[str, str], Cell] = {}
    directions = {direction.code: Total() for direction in catalogue.directions}
    groups: dict[str, Total] = {}
    overall = Total()
    stages = [(stage, catalogue.rules.get(stage.pk), _requirements(catalogue, stage)) for stage in catalogue.stages]
    m = municipality.pk
    for direction in catalogue.directions:
        group = groups.setdefault(direction.group.code, Total())
        for stage, rule, requirements in stages:
            if cells_too:
                checks = [_check(r, facts, m, direction, stage, year) for r in requirements]
                cell = Cell(direction=direction, stage=stage, rule=rule, checks=checks)
                cells[(direction.code, stage.code)] = cell
                met = sum(check.met for check in checks)
            else:
                met = sum(_count(r, facts, m, direction.code, stage.code)[0] > 0 for r in requirements)
            if rule is None:
                continue
            points = _points(rule, met, len(requirements))
            if cells_too:
                cell.points, cell.max_points = points, rule.points_full
            for total in (directions[direction.code], group, overall):
                total.points += points
                total.max_points += rule.points_full
    return cells, directions, groups, overall


def _totals_only(catalogue: Catalogue, facts: Facts, municipality: Municipality, year: int):
    _cells, directions, groups, overall = _score(catalogue, facts, municipality, year, cells_too=False)
    return directions, groups, overall


def _with_previous(totals, previous) -> None:
    directions, groups, overall = totals
    previous_directions, previous_groups, previous_overall = previous
    for code, total in directions.items():
        total.previous = previous_directions[code].points
    for code, total in groups.items():
        total.previous = previous_groups[code].points
    overall.previous = previous_overall.points


def matrix_compute(municipality: Municipality, year: int) -> Matrix:
    """The municipality's matrix for the year, every cell with the records behind it, and the totals
    with last year's beside them."""
    catalogue = Catalogue.read()
    facts = facts_read([municipality.pk], year, detail=True)
    cells, directions, groups, overall = _score(catalogue, facts, municipality, year)
    before = facts_read([municipality.pk], year - 1, detail=False)
    _with_previous((directions, groups, overall), _totals_only(catalogue, before, municipality, year - 1))
    return Matrix(municipality, year, catalogue, cells, directions, groups, overall)


def matrix(municipality: Municipality, year: int) -> Matrix:
    """`matrix_compute`, kept until the data behind it change (config.lib.fragments)."""
    return fragment("selfassessment", (municipality.pk, year), TOPICS, lambda: matrix_compute(municipality, year))


# --- The region ----------------------------------------------------------------------------------


@dataclass
class RegionRow:
    municipality: Municipality
    directions: dict[str, Total]
    groups: dict[str, Total]
    overall: Total
    # the same totals in the table's column order
    direction_columns: list[Total] = field(default_factory=list)
    group_columns: list[Total] = field(default_factory=list)


@dataclass
class RegionTable:
    region: str
    year: int
    directions: list[Direction]
    groups: list[DirectionGroup]
    rows: list[RegionRow]

    @property
    def year_label(self) -> str:
        return academic_year_label(self.year)


#: Municipalities read together in one pass of the facts (each pass is one query per source).
REGION_CHUNK = 50


def region_table_compute(region: str, year: int, progress: Callable[..., None] | None = None) -> RegionTable:
    """Every municipality of the region: the totals by direction and group and overall, last year's
    beside them, best first. Read in chunks of municipalities, reporting progress after each."""
    catalogue = Catalogue.read()
    municipalities = list(Municipality.objects.filter(region=region).order_by("name"))
    rows = []
    for index in range(0, len(municipalities), REGION_CHUNK):
        chunk = municipalities[index : index + REGION_CHUNK]
        ids = [m.pk for m in chunk]
        now, before = facts_read(ids, year, detail=False), facts_read(ids, year - 1, detail=False)
        for municipality in chunk:
            totals = _totals_only(catalogue, now, municipality, year)
            _with_previous(totals, _totals_only(catalogue, before, municipality, year - 1))
            directions, groups, overall = totals
            rows.append(
                RegionRow(
                    municipality,
                    directions,
                    groups,
                    overall,
                    direction_columns=[directions[d.code] for d in catalogue.directions],
                    group_columns=[groups.get(g.code, Total()) for g in catalogue.groups],
                )
            )
        if progress is not None:
            progress(done=min(index + REGION_CHUNK, len(municipalities)), total=len(municipalities))
    rows.sort(key=lambda row: (-(row.overall.points), row.municipality.name))
    return RegionTable(region, year, catalogue.directions, catalogue.groups, rows)


def region_table(region: str, year: int, progress: Callable[..., None] | None = None) -> RegionTable:
    return fragment(
        "selfassessment-region", (region, year), TOPICS, lambda: region_table_compute(region, year, progress)
    )


def region_table_kept(region: str, year: int) -> RegionTable | None:
    """The region's table if it is kept for the current data, else None (the page offers the job)."""
    return fragment_peek("selfassessment-region", (region, year), TOPICS)


# --- Years ---------------------------------------------------------------------------------------


def years_of(municipality: Municipality, today: date) -> tuple[list[int], int]:
    """The years the page offers (from the first year of the municipality's roadmaps to the current
    one, newest first) and the one it opens on: the latest year an approved roadmap covers, else the
    current one."""
    current = academic_year(today)
    periods = list(
        Roadmap.objects.filter(owner__municipality=municipality, level=Roadmap.Level.MUNICIPAL).values_list(
            "period_start", "period_end", "status"
        )
    )
    first = min((academic_year(start) for start, _end, _status in periods), default=current)
    years = list(range(max(current, first), min(current, first) - 1, -1))
    covered = [
        year
        for start, end, status in periods
        if status == Roadmap.Status.APPROVED
        for year in range(academic_year(start), academic_year(end) + 1)
        if year in years
    ]
    return years, max(covered, default=current)
