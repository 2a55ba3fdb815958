"""The contents of an analytic report (аналитическая справка), computed from the data: it reads only.

The numbers come from the product's own tables, each concept from one place: participation, marks,
levels and the comparison with journal marks from the per-school statistic (SchoolStat, as the
indicators and the import use it, imported or computed); the means, the task-by-task results and
the КДР control groups from the participants' rows (StudentResult); the zones from the approved
zoning (monitoring.analysis.selectors.zoning_results); a direction's values from IndicatorValue.

The result is a plain dict (stored as AnalyticReport.content): the document's sections with their
paragraphs, generated statements, tables (every cell already text, with comma decimals) and bar
charts, and under "numbers" the raw figures the tests and the bench compare with plain counts.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count, Q, Sum

from monitoring.analysis.selectors import zoning_results
from monitoring.models import (
    Assessment,
    IndicatorDefinition,
    IndicatorValue,
    SchoolStat,
    StudentResult,
    ZoningMethod,
)
from monitoring.services import STAT_AGGREGATES
from monitoring.zoning import colour_label
from reports.spravka import statements as say
from reports.spravka.statements import number, percent, share
from roadmaps.models import Direction
from schools.models import Municipality, Organization

#: Bump when the contents change shape: a draft made before is regenerated with the new one.
CONTENT_FORMAT = 1

COUNTERS = [name for name in STAT_AGGREGATES if not name.startswith("mean_")]

#: The categories of a distribution: (counter, label) — marks for ВПР/ОГЭ/ЕГЭ, levels for КДР.
MARKS = [("mark_2", "«2»"), ("mark_3", "«3»"), ("mark_4", "«4»"), ("mark_5", "«5»")]
LEVELS = [
    ("level_insufficient", "недостаточный"),
    ("level_low", "пониженный"),
    ("level_base", "базовый"),
    ("level_high", "повышенный"),
]
#: How many of the weakest tasks the statement names, and how many schools at risk are listed.
WEAKEST_TASKS = 3
RISK_SCHOOLS = 10
#: A school's ВПР marks are flagged when fewer than half of its participants confirmed the journal
#: mark (the federal objectivity criteria look at the marks not confirmed by the journal).
CONFIRMED_FLAG = 0.5
#: How many schools with the lowest values a direction's справка names for each indicator.
WORST_SCHOOLS = 3


# --- an assessment --------------------------------------------------------------------------------


def distribution(assessment: Assessment, counts: dict) -> list[tuple[str, str]]:
    """The categories the assessment reports: levels for a levels scale, marks when any mark is
    set, none for a work with test scores only."""
    if assessment.scale == Assessment.Scale.LEVELS or (not _total(counts, MARKS) and _total(counts, LEVELS)):
        return LEVELS
    return MARKS if _total(counts, MARKS) else []


def _total(counts: dict, categories) -> int:
    return sum(counts.get(name, 0) for name, _ in categories)


def results_summary(assessment: Assessment, **where) -> dict | None:
    """The totals of an assessment over the schools selected by `where` (organization=…,
    organization__municipality=…, organization__municipality__region=…); None when it has no data
    there. Counts from SchoolStat; means over the participants' rows (SchoolStat only when the
    schools' results were imported as statistics)."""
    stats = SchoolStat.objects.filter(assessment=assessment, **where)
    sums = stats.aggregate(schools=Count("pk"), **{name: Sum(name) for name in COUNTERS})
    if not sums["schools"]:
        return None
    counts = {name: value or 0 for name, value in sums.items()}
    means = StudentResult.objects.filter(assessment=assessment, **where).aggregate(
        mean_primary=Avg("primary_score"), mean_test=Avg("test_score")
    )
    for name in ("mean_primary", "mean_test"):
        if means[name] is None:  # statistics imported without participants' rows: weigh each school's mean
            weighted = [
                (mean, n) for mean, n in stats.exclude(**{f"{name}__isnull": True}).values_list(name, "participants")
            ]
            weight = sum(n for _, n in weighted)
            means[name] = sum(mean * n for mean, n in weighted) / weight if weight else None
    counts |= means
    counts["n_mark"] = _total(counts, MARKS)
    counts["n_level"] = _total(counts, LEVELS)
    return counts


def category_shares(counts: dict | None, categories) -> dict[str, float | None]:
    if counts is None:
        return {name: None for name, _ in categories}
    whole = _total(counts, categories)
    return {name: share(counts.get(name, 0), whole) for name, _ in categories}


def risk_share(counts: dict | None, categories) -> float | None:
    """The share the справка watches: «2» of the marks, «ниже базового» (insufficient + low) of the
    levels, or, for a work of test scores only (ЕГЭ), those below the minimum score. Counted from
    the counts, not added up from shares: equal shares of two schools are equal numbers."""
    if counts is None:
        return None
    if not categories:
        return share(counts["below_min"], counts["participants"]) if counts.get("mean_test") is not None else None
    keys = ("level_insufficient", "level_low") if categories is LEVELS else ("mark_2",)
    return share(sum(counts.get(key, 0) for key in keys), _total(counts, categories))


def risk_label(categories) -> str:
    if not categories:
        return "Доля ниже минимального балла"
    return "Доля «2»" if categories is MARKS else "Доля ниже базового уровня"


def quality_share(counts: dict | None, categories) -> float | None:
    """«4» and «5» (качество), or the base and high levels."""
    if counts is None or not categories:
        return None
    keys = ("level_base", "level_high") if categories is LEVELS else ("mark_4", "mark_5")
    return share(sum(counts.get(key, 0) for key in keys), _total(counts, categories))


def task_results(assessment: Assessment, **where) -> list[dict]:
    """Each task's mean score and success rate (mean / max) over the participants with a score for
    it, in the order of Assessment.tasks. A task without a stated maximum takes the highest score
    anyone got."""
    tasks = assessment.tasks or []
    if not tasks:
        return []
    sums, counts, tops = [0.0] * len(tasks), [0] * len(tasks), [0.0] * len(tasks)
    rows = StudentResult.objects.filter(assessment=assessment, **where).exclude(task_scores="")
    for text in rows.values_list("task_scores", flat=True).iterator(chunk_size=5000):
        for index, score in enumerate(text.split(",")[: len(tasks)]):
            score = score.strip().replace(",", ".")
            if not score:
                continue
            try:
                value = float(score)
            except ValueError:  # «Н», «X»: not a score
                continue
            sums[index] += value
            counts[index] += 1
            tops[index] = max(tops[index], value)
    result = []
    for index, task in enumerate(tasks):
        top = task.get("max") or tops[index] or None
        mean = sums[index] / counts[index] if counts[index] else None
        result.append(
            {
                "label": str(task.get("label") or index + 1),
                "max": top,
                "difficulty": task.get("difficulty", ""),
                "answered": counts[index],
                "mean": mean,
                "success": mean / top if mean is not None and top else None,
            }
        )
    return result


def control_groups(assessment: Assessment, **where) -> dict | None:
    """КДР: the control group (classes where the work was checked by outside experts) against the rest
    — those with a level, and the share at the base level or higher. None without a control group."""
    rows = StudentResult.objects.filter(assessment=assessment, **where).exclude(level="")
    found = {
        control: (n, base)
        for control, n, base in rows.values("control_group")
        .annotate(n=Count("pk"), base=Count("pk", filter=_base_q()))
        .values_list("control_group", "n", "base")
        .order_by()
    }
    if not found.get(True, (0, 0))[0]:
        return None
    control, rest = found.get(True, (0, 0)), found.get(False, (0, 0))
    return {
        "control_n": control[0],
        "control_base": control[1],
        "rest_n": rest[0],
        "rest_base": rest[1],
        "control_share": share(control[1], control[0]),
        "rest_share": share(rest[1], rest[0]),
    }


def _base_q() -> Q:
    return Q(level__in=[StudentResult.Level.BASE, StudentResult.Level.HIGH])


def _zones(municipality: Municipality, year: int) -> tuple[ZoningMethod | None, dict[int, str]]:
    """The latest approved zoning of the municipality up to the year, and each organisation's zone."""
    method = (
        ZoningMethod.objects.filter(
            municipality=municipality, year__lte=year, status=ZoningMethod.Status.APPROVED, computed_at__isnull=False
        )
        .order_by("-year", "-pk")
        .first()
    )
    if method is None:
        return None, {}
    return method, {row.organization.pk: row.colour for row in zoning_results(method).rows}


def _section(title: str, *, paragraphs=(), statements=(), tables=(), chart=None) -> dict:
    return {
        "title": title,
        "paragraphs": [text for text in paragraphs if text],
        "statements": [text for text in statements if text],
        "tables": list(tables),
        "chart": chart,
    }


def _table(caption: str, heads: list[str], rows: list[list[str]]) -> dict:
    return {"caption": caption, "heads": heads, "rows": [[str(cell) for cell in row] for row in rows]}


def assessment_title(assessment: Assessment, organization: Organization | None, municipality: Municipality) -> str:
    grade = f", {assessment.grade} класс" if assessment.grade else ""
    whom = organization.short_name if organization else municipality.name
    return (
        f"Аналитическая справка по результатам {assessment.get_kind_display()} «{assessment.subject}»{grade} "
        f"за {assessment.year_label} учебный год: {whom}"
    )


def assessment_content(
    assessment: Assessment, *, municipality: Municipality, organization: Organization | None = None
) -> dict:
    """The справка on an assessment for the municipality (organization None) or one of its schools."""
    where = {"organization": organization} if organization else {"organization__municipality": municipality}
    own = results_summary(assessment, **where)
    muni = results_summary(assessment, organization__municipality=municipality) if organization else own
    region = None
    if municipality.region:
        others = SchoolStat.objects.filter(
            assessment=assessment, organization__municipality__region=municipality.region
        ).exclude(organization__municipality=municipality)
        if others.exists():
            region = results_summary(assessment, organization__municipality__region=municipality.region)
    previous_assessment = Assessment.objects.filter(
        kind=assessment.kind, subject=assessment.subject, grade=assessment.grade, year=assessment.year - 1
    ).first()
    previous = results_summary(previous_assessment, **where) if previous_assessment else None
    categories = distribution(assessment, own or {})
    numbers: dict = {
        "own": own,
        "municipality": muni,
        "region": region,
        "previous": previous,
        "previous_year": assessment.year - 1,
        "categories": [name for name, _ in categories],
    }
    sections = []
    if own is None:
        sections.append(
            _section(
                "Участие",
                paragraphs=["По этой процедуре нет результатов организаций: справку не из чего составить."],
            )
        )
        return _content(assessment_title(assessment, organization, municipality), sections, numbers)

    # 1. Participation
    place = f"в {organization.short_name}" if organization else f"в {say.in_schools(own['schools'])} муниципалитета"
    participation = [f"В работе участвовали {say.people(own['participants'])} {place}."]
    if previous:
        participation.append(
            f"В {assessment.year - 2}/{assessment.year - 1} учебном году — {say.people(previous['participants'])}."
        )
    sections.append(_section("1. Участие", paragraphs=participation))

    # 2. Distribution, means and comparisons
    sections.append(
        _distribution_section(assessment, categories, own, muni if organization else None, region, previous)
    )

    # 3. Objectivity
    objectivity, flagged = _objectivity_section(assessment, own, municipality, organization)
    if objectivity:
        sections.append(objectivity)

    # 4. Task by task
    tasks = task_results(assessment, **where)
    numbers["tasks"] = tasks
    if tasks:
        sections.append(_tasks_section(tasks))

    # 5. Schools at risk and their zones
    risk, zone_method = _risk(assessment, categories, municipality, organization, muni)
    numbers["risk"] = risk
    sections.append(_risk_section(categories, risk, zone_method, organization, own))
    numbers["school_groups"] = _school_groups(organization, own, risk, flagged)

    for index, section in enumerate(sections[1:], start=2):  # number the sections in the order kept
        section["title"] = f"{index}. {section['title'].split('. ', 1)[-1]}"
    return _content(assessment_title(assessment, organization, municipality), sections, numbers)


def _distribution_section(assessment, categories, own, muni, region, previous) -> dict:
    heads = ["Показатель", f"{assessment.year_label}"]
    columns = [own]
    if muni is not None:
        heads.append("Муниципалитет")
        columns.append(muni)
    if region is not None:
        heads.append("Регион")
        columns.append(region)
    if previous is not None:
        heads.append(f"{assessment.year - 2}/{assessment.year - 1}")
        columns.append(previous)
    rows = []
    for name, label in categories:
        rows.append(
            [f"Доля {label}" if categories is MARKS else f"Уровень «{label}»"]
            + [percent(category_shares(column, categories)[name]) for column in columns]
        )
    if categories:
        rows.append(["Качество (" + ("«4» и «5»" if categories is MARKS else "базовый и выше") + ")"]
                    + [percent(quality_share(column, categories)) for column in columns])  # fmt: skip
    rows.append(["Участники"] + [str(column["participants"]) for column in columns])
    if own["mean_primary"] is not None:
        rows.append(["Средний первичный балл"] + [number(column["mean_primary"]) for column in columns])
    if own["mean_test"] is not None:
        rows.append(["Средний тестовый балл"] + [number(column["mean_test"]) for column in columns])
        rows.append(["Ниже минимального балла"] + [str(column["below_min"]) for column in columns])
        rows.append(["Более 60 баллов"] + [str(column["over_60"]) for column in columns])
    watched = risk_label(categories)
    statements = [
        say.change(watched, risk_share(previous, categories), risk_share(own, categories)),
        say.change("Качество", quality_share(previous, categories), quality_share(own, categories), gender="n")
        if categories
        else "",
        say.change(
            "Средний первичный балл",
            previous and previous["mean_primary"],
            own["mean_primary"],
            fmt=number,
            gender="m",
        ),
        say.versus(watched, risk_share(own, categories), risk_share(muni, categories), "по муниципалитету"),
        say.versus(watched, risk_share(own, categories), risk_share(region, categories), "по региону"),
    ]
    shares = category_shares(own, categories)
    chart = (
        {
            "caption": "Распределение " + ("отметок" if categories is MARKS else "по уровням") + ", %",
            "bars": [
                {"label": label, "value": shares[name] or 0, "text": percent(shares[name])}
                for name, label in categories
            ],
        }
        if categories
        else None
    )
    title = "Распределение отметок и баллов" if categories is not LEVELS else "Распределение по уровням"
    return _section(
        title,
        paragraphs=["Сравнение с прошлым годом — по той же процедуре, предмету и параллели."] if previous else [],
        statements=statements,
        tables=[_table("Результаты", heads, rows)],
        chart=chart,
    )


def _objectivity_section(assessment, own, municipality, organization) -> tuple[dict | None, list[list]]:
    """The objectivity section (None when there is nothing to compare) and the schools it names with
    their group sizes."""
    tables, statements, paragraphs, named = [], [], [], []
    if own["with_journal"]:
        n = own["with_journal"]
        statements.append(
            say.objectivity(share(own["lowered"], n), share(own["confirmed"], n), share(own["raised"], n))
        )
        tables.append(
            _table(
                "Сравнение с отметками по журналу",
                ["Участники с обеими отметками", "Понизили", "Подтвердили", "Повысили"],
                [
                    [str(n)]
                    + [f"{own[key]} ({percent(share(own[key], n))})" for key in ("lowered", "confirmed", "raised")]
                ],
            )
        )
        if organization is None:
            flagged = []
            stats = (
                SchoolStat.objects.filter(
                    assessment=assessment, organization__municipality=municipality, with_journal__gt=0
                )
                .select_related("organization")
                .order_by("organization__short_name")
            )
            for stat in stats:
                confirmed = share(stat.confirmed, stat.with_journal)
                if confirmed is not None and confirmed < CONFIRMED_FLAG:
                    named.append([stat.organization.short_name, stat.with_journal])
                    flagged.append([stat.organization.short_name, str(stat.with_journal), percent(confirmed),
                                    percent(share(stat.lowered, stat.with_journal)),
                                    percent(share(stat.raised, stat.with_journal))])  # fmt: skip
            paragraphs.append(
                f"Отмечены организации, где отметку по журналу подтвердили менее {percent(CONFIRMED_FLAG)} участников."
            )
            if flagged:
                tables.append(
                    _table(
                        "Организации с признаками необъективности",
                        ["Организация", "Участники с обеими отметками", "Подтвердили", "Понизили", "Повысили"],
                        flagged,
                    )
                )
            else:
                paragraphs.append("Таких организаций нет.")
    where = {"organization": organization} if organization else {"organization__municipality": municipality}
    groups = control_groups(assessment, **where)
    if groups:
        if organization is not None:
            named += [[f"{organization.short_name}, контрольная группа", groups["control_n"]],
                      [f"{organization.short_name}, остальные участники", groups["rest_n"]]]  # fmt: skip
        tables.append(
            _table(
                "Контрольные группы",
                ["Группа", "Участники с уровнем", "Базовый уровень и выше"],
                [
                    ["Контрольная группа", str(groups["control_n"]), percent(groups["control_share"])],
                    ["Остальные участники", str(groups["rest_n"]), percent(groups["rest_share"])],
                ],
            )
        )
        statements.append(
            f"В контрольной группе базовый уровень и выше показали {percent(groups['control_share'])} участников, "
            f"у остальных — {percent(groups['rest_share'])}."
        )
    if not tables:
        return None, named
    section = _section("Объективность результатов", paragraphs=paragraphs, statements=statements, tables=tables)
    return section, named


def _tasks_section(tasks: list[dict]) -> dict:
    known = [task for task in tasks if task["success"] is not None]
    weakest = sorted(known, key=lambda task: (task["success"], tasks.index(task)))[:WEAKEST_TASKS]
    rows = [
        [task["label"], number(task["max"], 0) if task["max"] else "—", task["difficulty"] or "—",
         number(task["mean"], 2), percent(task["success"])]
        for task in tasks
    ]  # fmt: skip
    return _section(
        "Выполнение заданий",
        paragraphs=["Процент выполнения задания — средний балл участников за него, делённый на максимальный балл."],
        statements=[say.weakest(weakest)],
        tables=[
            _table("Поэлементный анализ", ["Задание", "Макс. балл", "Уровень", "Средний балл", "Выполнение"], rows)
        ],
        chart={
            "caption": "Выполнение заданий, %",
            "bars": [
                {"label": task["label"], "value": task["success"] or 0, "text": percent(task["success"])}
                for task in tasks
            ],
        },
    )


def _risk(assessment, categories, municipality, organization, muni) -> tuple[list[dict], ZoningMethod | None]:
    """Schools whose watched share (`risk_share`: «2», below the base level, below the ЕГЭ minimum)
    is not below the municipality's (`muni`, its summary), the highest first, with their zone by the
    latest approved zoning."""
    method, zones = _zones(municipality, assessment.year)
    stats = SchoolStat.objects.filter(assessment=assessment, organization__municipality=municipality).select_related(
        "organization"
    )
    if organization is not None:
        stats = stats.filter(organization=organization)
    watched = risk_share(muni, categories) or 0
    rows = []
    for stat in stats:
        value = risk_share({name: getattr(stat, name) for name in STAT_AGGREGATES}, categories)
        if value is not None and (organization is not None or (value > 0 and value >= watched)):
            rows.append(
                {
                    "organization": stat.organization.short_name,
                    "organization_id": stat.organization_id,
                    "participants": stat.participants,
                    "share": value,
                    "zone": colour_label(zones[stat.organization_id]) if stat.organization_id in zones else "",
                }
            )
    rows.sort(key=lambda row: (-row["share"], row["organization"]))
    return rows[:RISK_SCHOOLS] if organization is None else rows, method


def _risk_section(categories, risk, method, organization, own) -> dict:
    label = risk_label(categories)
    zone_note = (
        f"Зоны — по утверждённой методике «{method.title}» ({method.year - 1}/{method.year} учебный год)."
        if method
        else "Утверждённого зонирования нет: зоны не указаны."
    )
    rows = [[row["organization"], str(row["participants"]), percent(row["share"]), row["zone"] or "—"] for row in risk]
    if organization is not None:
        statements = [f"Организация отнесена к зоне «{risk[0]['zone'].lower()}»." if risk and risk[0]["zone"] else ""]
        return _section(
            "Зона организации",
            paragraphs=[zone_note],
            statements=statements,
            tables=[_table("Организация", ["Организация", "Участники", label, "Зона"], rows)] if rows else [],
        )
    count = len(risk)
    where = say.in_schools(count)
    shown = f" (показаны первые {RISK_SCHOOLS})" if count >= RISK_SCHOOLS else ""
    statements = [
        f"{label} не ниже средней по муниципалитету ({percent(risk_share(own, categories))}) в {where}{shown}."
        if risk
        else ""
    ]
    return _section(
        "Организации группы риска",
        paragraphs=[
            f"Организации, где {label.lower()} не ниже средней по муниципалитету, по убыванию доли. {zone_note}"
        ],
        statements=statements,
        tables=[_table("Организации группы риска", ["Организация", "Участники", label, "Зона"], rows)] if rows else [],
    )


# --- a direction's indicators ---------------------------------------------------------------------


def direction_title(code: str, year: int, organization: Organization | None, municipality: Municipality) -> str:
    direction = Direction.objects.filter(code=code).first()
    name = f" «{direction.title}»" if direction else ""
    whom = organization.short_name if organization else municipality.name
    return f"Аналитическая справка о показателях направления {code}{name} за {year - 1}/{year} учебный год: {whom}"


def _slice(subject: str, grade: int | None) -> str:
    parts = [subject] if subject else []
    if grade:
        parts.append(f"{grade} кл.")
    return ", ".join(parts) or "в целом"


def _value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{number(value)}\u00a0%" if unit == "%" else number(value)


def _value_change(indicator: IndicatorDefinition, key: tuple, before: float | None, now: float | None) -> str:
    """«Значение показателя «…» (математика, 5 кл.) выросло с 8,0 % до 10,0 %.»"""
    return say.change(
        f"Значение показателя «{indicator.name}» ({_slice(key[1], key[2])})",
        before,
        now,
        fmt=lambda value: _value_text(value, indicator.unit),
        gender="n",
    )


def direction_content(
    code: str, year: int, *, municipality: Municipality, organization: Organization | None = None
) -> dict:
    """The справка on a direction's indicators in a year: each indicator's pooled value (by slice)
    now and a year before, the school's own beside them for a school, and the schools with the
    lowest values for the municipality."""
    indicators = list(IndicatorDefinition.objects.filter(direction_code=code).order_by("order", "code"))
    values = IndicatorValue.objects.filter(
        municipality=municipality, year__in=[year, year - 1], indicator__in=indicators, class_name=""
    )
    pooled: dict = {}
    school: dict = defaultdict(list)
    sizes: dict = {}  # (organization, indicator, subject, grade, year) → denominator
    for indicator_id, org_id, subject, grade, value_year, value, denominator in values.values_list(
        "indicator_id", "organization_id", "subject", "grade", "year", "value", "denominator"
    ):
        key = (indicator_id, subject, grade)
        if org_id is None:
            pooled[key + (value_year,)] = value
        elif organization is None or org_id == organization.pk:
            school[key + (value_year,)].append((org_id, value))
            sizes[(org_id, *key, value_year)] = denominator
    names = dict(Organization.objects.filter(municipality=municipality).values_list("pk", "short_name"))
    keys = sorted(
        {(i, s, g) for i, s, g, _y in list(pooled) + list(school)},
        key=lambda key: ([d.pk for d in indicators].index(key[0]), key[1], key[2] or 0),
    )
    by_pk = {indicator.pk: indicator for indicator in indicators}
    rows, statements, worst, numbers, named, bars = [], [], [], [], [], []
    for position, key in enumerate(keys, start=1):
        indicator = by_pk[key[0]]
        now, before = pooled.get(key + (year,)), pooled.get(key + (year - 1,))
        entry = {
            "indicator": indicator.code,
            "subject": key[1],
            "grade": key[2],
            "municipality": now,
            "previous": before,
        }
        row = [str(position), indicator.name, _slice(key[1], key[2]), indicator.unit or "—"]
        if organization is not None:
            own_now = next((v for _o, v in school.get(key + (year,), [])), None)
            own_before = next((v for _o, v in school.get(key + (year - 1,), [])), None)
            entry |= {"own": own_now, "own_previous": own_before}
            for value_year in (year, year - 1):
                if (organization.pk, *key, value_year) in sizes:
                    named.append([organization.short_name, sizes[(organization.pk, *key, value_year)]])
            row += [_value_text(own_now, indicator.unit), _value_text(own_before, indicator.unit),
                    _value_text(now, indicator.unit)]  # fmt: skip
            statements.append(_value_change(indicator, key, own_before, own_now))
        else:
            row += [_value_text(now, indicator.unit), _value_text(before, indicator.unit)]
            statements.append(_value_change(indicator, key, before, now))
            candidates = [(v, o) for o, v in school.get(key + (year,), []) if v is not None]
            if candidates and indicator.better != IndicatorDefinition.Better.NONE:
                lower = indicator.better == IndicatorDefinition.Better.LOWER
                candidates.sort(
                    key=lambda item: (-item[0] if lower else item[0], names.get(item[1], ""))
                )  # worst first
                for value, org_id in candidates[:WORST_SCHOOLS]:
                    worst.append([indicator.name, _slice(key[1], key[2]), names.get(org_id, "—"),
                                  _value_text(value, indicator.unit)])  # fmt: skip
                entry["worst"] = [[names.get(o, ""), v] for v, o in candidates[:WORST_SCHOOLS]]
                named += [[names.get(o, ""), sizes[(o, *key, year)]] for _v, o in candidates[:WORST_SCHOOLS]]
        rows.append(row)
        numbers.append(entry)
        shown = entry.get("own") if organization is not None else now
        if indicator.unit == "%" and shown is not None:
            bars.append({"label": f"№ {position}", "value": shown / 100, "text": _value_text(shown, "%")})
    heads = ["№", "Показатель", "Разрез", "Ед."]
    heads += (
        [f"ОО {year - 1}/{year}", f"ОО {year - 2}/{year - 1}", f"Муниципалитет {year - 1}/{year}"]
        if organization
        else [f"{year - 1}/{year}", f"{year - 2}/{year - 1}"]
    )
    title = direction_title(code, year, organization, municipality)
    if not rows:
        sections = [
            _section(
                "1. Значения показателей",
                paragraphs=[f"За {year - 1}/{year} учебный год значения показателей направления {code} не рассчитаны."],
            )
        ]
        return _content(title, sections, {"indicators": numbers, "school_groups": named})
    sections = [
        _section(
            "1. Значения показателей",
            paragraphs=[
                f"Показатели направления {code}: {len(indicators)}; значение муниципалитета — по всем организациям."
            ],
            statements=statements,
            tables=[_table("Значения показателей", heads, rows)],
            chart={
                "caption": f"Показатели в процентах, {year - 1}/{year}"
                + (f" — {organization.short_name}" if organization else " — муниципалитет")
                + " (номер — строка таблицы)",
                "bars": bars,
            }
            if bars
            else None,
        )
    ]
    if organization is None:
        sections.append(
            _section(
                "2. Организации с наименее благоприятными значениями",
                paragraphs=[f"По каждому показателю и разрезу — до {WORST_SCHOOLS} организаций."],
                tables=[_table("Организации", ["Показатель", "Разрез", "Организация", "Значение"], worst)]
                if worst
                else [],
            )
        )
    return _content(title, sections, {"indicators": numbers, "school_groups": named})


def _school_groups(organization, own, risk, flagged) -> list[list]:
    """Every school whose values the справка shows, with the size of the group they were computed
    on: the open page publishes no school value of a small group (reports.publication)."""
    groups = [[organization.short_name, own["participants"]]] if organization else []
    groups += [[row["organization"], row["participants"]] for row in risk]
    groups += flagged
    return groups


def _content(title: str, sections: list[dict], numbers: dict) -> dict:
    return {"format": CONTENT_FORMAT, "title": title, "sections": sections, "numbers": numbers}
