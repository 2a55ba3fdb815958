"""Zoning: colour ranges (parsing, formatting, validation) and the computation of zones.

A rule's ranges must cover the indicator's whole scale with no gap and no overlap, each end
clearly open or closed: «[0; 10) зелёная, [10; 25) жёлтая, [25; 100] красная». A value belongs
to exactly one range, so every organisation's colour for a rule is defined and explainable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from config.lib.copy import rows_insert
from config.lib.fragments import ZONES, writes
from config.lib.preconditions import require
from monitoring import preconditions
from monitoring.models import Colour, IndicatorValue, Zone, ZoningMethod, ZoningRule
from schools.models import Municipality, Organization

COLOUR_WORDS = {
    "зел": Colour.GREEN,
    "жёлт": Colour.YELLOW,
    "желт": Colour.YELLOW,
    "крас": Colour.RED,
    "green": Colour.GREEN,
    "yellow": Colour.YELLOW,
    "red": Colour.RED,
}
RULE_COLOURS = (Colour.GREEN, Colour.YELLOW, Colour.RED)
SEVERITY = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}
POINTS = {Colour.GREEN: 2, Colour.YELLOW: 1, Colour.RED: 0}


class RangeError(ValueError):
    """The ranges of a rule cannot be read; the message says which part and why."""


def _number(text: str) -> float | None:
    text = text.strip().replace(",", ".").replace("−", "-")
    if text in ("", "∞", "+∞", "-∞", "inf", "-inf"):
        return None
    return float(text)


def _num(number: float) -> str:
    """12.5 → «12,5»: as people write it (parse_ranges reads both)."""
    return f"{number:g}".replace(".", ",")


def _fmt(number: float | None, *, low: bool) -> str:
    if number is None:
        return "−∞" if low else "+∞"
    return _num(number)


def range_label(item: dict) -> str:
    left = "[" if item.get("low_closed") else "("
    right = "]" if item.get("high_closed") else ")"
    return f"{left}{_fmt(item.get('low'), low=True)}; {_fmt(item.get('high'), low=False)}{right}"


def colour_label(colour: str) -> str:
    return Colour(colour).label if colour in Colour.values else colour


def ranges_label(ranges: list[dict]) -> str:
    return ", ".join(f"{colour_label(item['colour']).lower()} {range_label(item)}" for item in ranges)


RANGE_RE = re.compile(
    r"(?P<colour>[^\s\[\](),;:]+)\s*:?\s*(?P<left>[\[(])\s*(?P<low>[^;\])]*?)\s*;\s*(?P<high>[^\])]*?)\s*(?P<right>[\])])"
)


def parse_ranges(text: str) -> list[dict]:
    """«зелёная [0; 10), жёлтая [10; 25), красная [25; 100]» → the JSON kept on the rule.

    «[» and «]» include the bound, «(» and «)» exclude it; ∞ or an empty bound is unbounded."""
    ranges, rest = [], text
    for match in RANGE_RE.finditer(text):
        word = match["colour"].lower()
        colour = next((value for prefix, value in COLOUR_WORDS.items() if word.startswith(prefix)), None)
        if colour is None:
            raise RangeError(f"Неизвестный цвет «{match['colour']}»: пишите «зелёная», «жёлтая» или «красная»")
        try:
            low, high = _number(match["low"]), _number(match["high"])
        except ValueError as error:
            raise RangeError(f"Граница диапазона «{match.group(0)}» не число") from error
        ranges.append(
            {
                "colour": str(colour),
                "low": low,
                "high": high,
                "low_closed": match["left"] == "[",
                "high_closed": match["right"] == "]",
            }
        )
        rest = rest.replace(match.group(0), "", 1)
    leftover = rest.strip(" ,;\n\r\t")
    if leftover:
        raise RangeError(
            f"Не удалось прочитать «{leftover[:60]}»: пишите, например, «зелёная [0; 10), жёлтая [10; 25), красная [25; 100]»"
        )
    if not ranges:
        raise RangeError("Не заданы диапазоны: например, «зелёная [0; 10), жёлтая [10; 25), красная [25; 100]»")
    return ranges


def ranges_from_example(rule: dict, *, scale_max: float | None) -> list[dict]:
    """indicators.yaml style ({green: [0, 10], …}): each range includes its lower bound and
    excludes its upper bound; the range ending at the top of the scale includes it."""
    ranges = []
    for colour in RULE_COLOURS:
        if colour in rule:
            low, high = rule[colour]
            ranges.append(
                {"colour": str(colour), "low": float(low), "high": float(high), "low_closed": True,
                 "high_closed": scale_max is not None and float(high) >= scale_max}
            )  # fmt: skip
    return ranges


def _lt(a: float | None, b: float | None, *, a_low: bool, b_low: bool) -> bool:
    """a < b where None is −∞ for a lower bound and +∞ for an upper bound."""
    a_value = float("-inf") if a is None and a_low else float("inf") if a is None else a
    b_value = float("-inf") if b is None and b_low else float("inf") if b is None else b
    return a_value < b_value


def validate_ranges(ranges: list[dict], *, scale_min: float, scale_max: float | None) -> list[str]:
    """Every problem of the ranges against the indicator's scale, each as a Russian sentence."""
    scale = f"{_num(scale_min)}–{'∞' if scale_max is None else _num(scale_max)}"
    if not ranges:
        return ["Не заданы диапазоны"]
    errors: list[str] = []
    valid = []
    for item in ranges:
        label = f"{colour_label(item['colour']).lower()} {range_label(item)}"
        if item["colour"] not in RULE_COLOURS:
            errors.append(f"Диапазон «{label}»: неизвестный цвет")
            continue
        low, high = item.get("low"), item.get("high")
        if (
            low is not None
            and high is not None
            and (low > high or (low == high and not (item["low_closed"] and item["high_closed"])))
        ):
            errors.append(
                f"Диапазон «{label}» перевёрнут или пуст: нижняя граница {_num(low)} не меньше верхней {_num(high)}"
            )
            continue
        if (low is None or low < scale_min) or (scale_max is not None and (high is None or high > scale_max)):
            errors.append(f"Диапазон «{label}» выходит за шкалу показателя {scale}")
            continue
        valid.append(item)
    if errors:
        return errors
    valid.sort(key=lambda r: (r["low"], not r["low_closed"]))
    first, last = valid[0], valid[-1]
    if first["low"] > scale_min:
        errors.append(f"Разрыв: значения от {_num(scale_min)} до {_num(first['low'])} не попадают ни в один диапазон")
    elif not first["low_closed"]:
        errors.append(f"Разрыв: значение {_num(scale_min)} не попадает ни в один диапазон (граница открыта)")
    for a, b in zip(valid, valid[1:], strict=False):
        la, lb = range_label(a), range_label(b)
        if a["high"] is None or b["low"] < a["high"]:
            top = "+∞" if a["high"] is None else _num(a["high"])
            errors.append(f"Наложение: диапазоны {la} и {lb} оба содержат значения от {_num(b['low'])} до {top}")
        elif b["low"] > a["high"]:
            errors.append(
                f"Разрыв: значения от {_num(a['high'])} до {_num(b['low'])} (между {la} и {lb}) не попадают ни в один диапазон"
            )
        elif a["high_closed"] and b["low_closed"]:
            errors.append(f"Наложение: значение {_num(b['low'])} входит в оба диапазона {la} и {lb}")
        elif not a["high_closed"] and not b["low_closed"]:
            errors.append(f"Разрыв: значение {_num(b['low'])} не входит ни в {la}, ни в {lb}")
    if scale_max is None:
        if last["high"] is not None:
            errors.append(f"Разрыв: значения больше {_num(last['high'])} не попадают ни в один диапазон")
    elif last["high"] < scale_max:
        errors.append(f"Разрыв: значения от {_num(last['high'])} до {_num(scale_max)} не попадают ни в один диапазон")
    elif not last["high_closed"]:
        errors.append(f"Разрыв: значение {_num(scale_max)} не попадает ни в один диапазон (граница открыта)")
    return errors


def colour_of(value: float, ranges: list[dict]) -> dict | None:
    for item in ranges:
        low, high = item.get("low"), item.get("high")
        above = low is None or value > low or (value == low and item["low_closed"])
        below = high is None or value < high or (value == high and item["high_closed"])
        if above and below:
            return item
    return None


def combine_colours(
    mode: str, items: list[tuple[str, float]], *, green_min: float, yellow_min: float, red_for_red: int
) -> tuple[str, float | None]:
    """The organisation's colour from (colour, weight) of its rules. Rules without enough data
    are left out; with none left the organisation has «недостаточно данных»."""
    known = [(colour, weight) for colour, weight in items if colour != Colour.NO_DATA]
    if not known:
        return Colour.NO_DATA, None
    if mode == ZoningMethod.Combine.WEIGHTED:
        score = sum(POINTS[c] * w for c, w in known) / sum(w for _c, w in known)
        colour = Colour.GREEN if score >= green_min else Colour.YELLOW if score >= yellow_min else Colour.RED
        return colour, score
    if mode == ZoningMethod.Combine.RED_COUNT:
        reds = sum(1 for c, _w in known if c == Colour.RED)
        yellows = sum(1 for c, _w in known if c == Colour.YELLOW)
        colour = Colour.RED if reds >= red_for_red else Colour.YELLOW if reds or yellows else Colour.GREEN
        return colour, float(reds)
    worst = max((c for c, _w in known), key=SEVERITY.__getitem__)
    return worst, None


@dataclass
class ZoneSummary:
    counts: dict
    skipped: list[str] = field(default_factory=list)  # methods left as they were, with the reason

    def as_dict(self) -> dict:
        return {colour_label(k): v for k, v in self.counts.items()}


def explain_rule(rule, value_row: dict | None, minimum: int) -> dict:
    item = {
        "rule": rule.pk,
        "indicator": rule.indicator.code,
        "name": rule.indicator.name,
        "unit": rule.indicator.unit,
        "slice": rule.slice_label,
        "weight": rule.weight,
        "value": None,
        "numerator": None,
        "denominator": None,
        "range": "",
        "colour": str(Colour.NO_DATA),
        "reason": "",
    }
    if value_row is None or value_row["value"] is None:
        item["reason"] = "нет данных"
        return item
    item.update(value=value_row["value"], numerator=value_row["numerator"], denominator=value_row["denominator"])
    denominator = value_row["denominator"]
    if denominator is not None and denominator < minimum and rule.indicator.source == "results":
        item["reason"] = f"участников {_num(denominator)} — меньше минимума {minimum}"
        return item
    matched = colour_of(value_row["value"], rule.ranges)
    if matched is None:
        item["reason"] = "значение вне диапазонов методики"
        return item
    item.update(colour=matched["colour"], range=range_label(matched))
    return item


@writes(ZONES)
def zones_compute(*, method: ZoningMethod, progress: Callable | None = None) -> ZoneSummary:
    """Give each school of the method's municipality its zone, keeping the previous result. Refused
    with PreconditionError for a method without rules or a year without computed indicators: every
    school would come out «недостаточно данных», which says nothing about the schools."""
    require(preconditions.zoning_rules(method), preconditions.indicator_values(method))
    return _zones_write([method], progress or (lambda *args, **kwargs: None))


@writes(ZONES)
def zones_compute_year(*, year: int, progress: Callable | None = None) -> ZoneSummary:
    """The zones of every approved method of the year, in every municipality (a region's or a
    country's recomputation after the indicators): a handful of statements in all, not a handful
    per municipality. A method without rules, or whose municipality has no computed indicators
    for the year, is left as it was and named in the summary."""
    methods = list(
        ZoningMethod.objects.filter(year=year, status=ZoningMethod.Status.APPROVED)
        .select_related("municipality")
        .order_by("pk")
    )
    with_rules = set(ZoningRule.objects.filter(method__in=methods).values_list("method_id", flat=True))
    computed = set(
        Municipality.objects.filter(pk__in={m.municipality_id for m in methods})
        .filter(Exists(IndicatorValue.objects.filter(municipality_id=OuterRef("pk"), year=year)))
        .values_list("pk", flat=True)
    )
    ready = [m for m in methods if m.pk in with_rules and m.municipality_id in computed]
    skipped = [
        f"«{m.title}» ({m.municipality}): "
        + ("нет правил" if m.pk not in with_rules else "показатели года не рассчитаны")
        for m in methods
        if m.pk not in with_rules or m.municipality_id not in computed
    ]
    summary = _zones_write(ready, progress or (lambda *args, **kwargs: None))
    summary.skipped = skipped
    return summary


ZONE_COLUMNS = (
    "method_id", "organization_id", "colour", "score", "explanation", "computed_at", "previous_colour",
    "previous_explanation", "previous_computed_at",
)  # fmt: skip


def _zones_write(methods: list[ZoningMethod], report: Callable) -> ZoneSummary:
    """Zones of these methods' schools, rewritten whole: the rules, schools, values and previous
    zones of all of them read by one query each, the old zones deleted and the new inserted at once."""
    rules: dict[int, list[ZoningRule]] = {method.pk: [] for method in methods}
    for rule in ZoningRule.objects.filter(method__in=methods).select_related("indicator"):
        rules[rule.method_id].append(rule)
    schools: dict[int, list[int]] = {}
    for pk, municipality_id in (
        Organization.objects.filter(
            municipality_id__in={method.municipality_id for method in methods},
            kind=Organization.Kind.SCHOOL,
            is_active=True,
        )
        .order_by("code")
        .values_list("pk", "municipality_id")
    ):
        schools.setdefault(municipality_id, []).append(pk)
    total = sum(len(schools.get(method.municipality_id, [])) for method in methods)
    report(0, total, "Расчёт зон")
    wanted = Q(pk__in=[])
    for key in {(r.indicator_id, r.subject, r.grade) for method_rules in rules.values() for r in method_rules}:
        wanted |= Q(indicator_id=key[0], subject=key[1], grade=key[2])
    rows = (
        IndicatorValue.objects.filter(
            year__in={method.year for method in methods},
            municipality_id__in={method.municipality_id for method in methods},
            organization__isnull=False,
            class_name="",
        )
        .filter(wanted)
        .values("year", "organization_id", "indicator_id", "subject", "grade", "value", "numerator", "denominator")
    )
    found = {(r["year"], r["organization_id"], r["indicator_id"], r["subject"], r["grade"]): r for r in rows}
    existing = {
        (zone["method_id"], zone["organization_id"]): zone
        for zone in Zone.objects.filter(method__in=methods).values(
            "method_id", "organization_id", "colour", "explanation", "computed_at"
        )
    }
    now = timezone.now()
    rows, counts = [], {str(c): 0 for c in Colour}
    for method in methods:
        for organization in schools.get(method.municipality_id, []):
            explanation = [
                explain_rule(
                    rule,
                    found.get((method.year, organization, rule.indicator_id, rule.subject, rule.grade)),
                    method.minimum_participants,
                )
                for rule in rules[method.pk]
            ]
            colour, score = combine_colours(
                method.combine,
                [(item["colour"], item["weight"]) for item in explanation],
                green_min=method.green_score_min,
                yellow_min=method.yellow_score_min,
                red_for_red=method.red_rules_for_red,
            )
            counts[str(colour)] += 1
            previous = existing.get((method.pk, organization)) or {}
            rows.append(
                (method.pk, organization, str(colour), score, explanation, now, previous.get("colour", ""),
                 previous.get("explanation", []), previous.get("computed_at"))
            )  # fmt: skip
    # Rewritten whole (one DELETE, one COPY): nothing refers to a zone row, and an UPDATE of a
    # thousand JSON explanations one CASE at a time is many times slower.
    Zone.objects.filter(method__in=methods)._raw_delete(Zone.objects.db)
    rows_insert(Zone, ZONE_COLUMNS, rows, batch_size=1000)
    ZoningMethod.objects.filter(pk__in=[method.pk for method in methods]).update(computed_at=now)
    report(total, total, "Готово")
    return ZoneSummary(counts=counts)
