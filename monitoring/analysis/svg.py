"""Server-rendered SVG charts (no JavaScript): the heat map of organisations × rules and the
small year-on-year charts of the organisation card. All text goes through escaping."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from config.lib.html import e

#: The zone colours of app.css (white text on red and green at ≥ 4.5:1).
FILL = {"red": "#b02a37", "yellow": "#ffc107", "green": "#146c43", "no_data": "#ced4da", None: "#f1f3f5"}
TEXT = {"red": "#fff", "green": "#fff"}


def _value(value, unit: str = "") -> str:
    """As the organisation's card prints it: «8,9 %», «12,0», «н/д»."""
    if value is None:
        return "н/д"
    text = f"{value:.1f}".replace(".", ",")
    return f"{text} %" if unit == "%" else text


def heatmap(rows, rules, *, card_url) -> str:
    """rows: OverviewRow (organisation, zone, cells = explanation items per rule).

    A region's map has a thousand rows × the rules: it is built from plain strings with `e`
    (format_html per cell cost ~0.3 ms, a third of the page)."""
    name_w, cell_w, cell_h, head_h = 300, 92, 24, 48
    width = name_w + cell_w * (len(rules) + 1)
    height = head_h + cell_h * len(rows) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="group" aria-label="Тепловая карта показателей">',
        f'<text x="4" y="{head_h - 8}" font-size="12" font-weight="bold">Организация</text>',
    ]
    for index, rule in enumerate(rules):
        x = name_w + cell_w * index + 4
        name = rule.indicator.name
        parts.append(
            f'<text x="{x}" y="{head_h - 22}" font-size="11" font-weight="bold"><title>{e(name)}</title>'
            f'{index + 1}. {e(name[:10])}…</text><text x="{x}" y="{head_h - 8}" font-size="10" fill="#6c757d">'
            f"{e(rule.slice_label[:16])}</text>"
        )
    units = [rule.indicator.unit for rule in rules]
    zone_x = name_w + cell_w * len(rules)
    parts.append(f'<text x="{zone_x + 4}" y="{head_h - 8}" font-size="12" font-weight="bold">Зона</text>')
    for r, row in enumerate(rows):
        y = head_h + cell_h * r
        parts.append(
            f'<a href="{e(card_url(row.organization.pk))}"><text x="4" y="{y + 16}" font-size="12" fill="#0a58ca">'
            f"{e(row.organization.short_name[:42])}</text></a>"
        )
        for index in range(len(rules)):
            cell = row.cells[index] if index < len(row.cells) else None
            colour = cell["colour"] if cell else None
            x = name_w + cell_w * index
            title = (
                "нет расчёта"
                if not cell
                else f"{cell['name']}: {_value(cell['value'], units[index])} {cell['range']} {cell['reason']}"
            )
            parts.append(
                f'<g><title>{e(title)}</title><rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                f'fill="{FILL.get(colour, FILL[None])}" stroke="#fff"/><text x="{x + 6}" y="{y + 16}" font-size="11" '
                f'fill="{TEXT.get(colour, "#212529")}">{_value(cell["value"], units[index]) if cell else ""}</text></g>'
            )
        zone = row.zone.colour if row.zone else None
        parts.append(
            f'<rect x="{zone_x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{FILL.get(zone, FILL[None])}" '
            f'stroke="#fff"/><text x="{zone_x + 6}" y="{y + 16}" font-size="11" fill="{TEXT.get(zone, "#212529")}">'
            f"{e(row.zone.get_colour_display()) if row.zone else '—'}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def sparkline(school: dict, municipality: dict, *, unit: str = "%") -> str:
    """Year-on-year values of the organisation (solid) and of the municipality (dashed)."""
    years = sorted(set(school) | set(municipality))
    if not years:
        return ""
    width, height, pad = 220, 64, 14
    numbers = [v.value for v in list(school.values()) + list(municipality.values()) if v.value is not None]
    if not numbers:
        return mark_safe('<span class="text-muted small">нет данных</span>')
    low, high = min(numbers + [0]), max(numbers + [1])
    span = high - low or 1

    def point(i, value):
        x = pad + (width - 2 * pad) * (i / (len(years) - 1) if len(years) > 1 else 0.5)
        y = height - pad - (height - 2 * pad) * (value - low) / span
        return x, y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Динамика по годам">'
    ]
    for series, colour, dash in ((municipality, "#6c757d", ' stroke-dasharray="4 3"'), (school, "#0d6efd", "")):
        points = [point(i, series[y].value) for i, y in enumerate(years) if y in series and series[y].value is not None]
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for (x, y), year in zip(
            points, [y for y in years if y in series and series[y].value is not None], strict=False
        ):
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}/{}: {} {}</title></circle>',
                    f"{x:.1f}",
                    f"{y:.1f}",
                    colour,
                    year - 1,
                    year,
                    _value(series[year].value),
                    unit,
                )  # fmt: skip
            )
    for i, year in enumerate(years):
        x, _ = point(i, low)
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="9" text-anchor="middle" fill="#6c757d">{}</text>',
                f"{x:.1f}",
                height - 2,
                year,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def stacked_bar(details: dict) -> str:
    """The distribution of marks 2–5 as one stacked bar."""
    total = sum(details.values())
    if not total:
        return ""
    colours = {"2": "#dc3545", "3": "#ffc107", "4": "#20c997", "5": "#198754"}
    width, x, parts = (
        200,
        0.0,
        [
            '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="18" role="img" aria-label="Распределение отметок">'
        ],
    )
    for mark in ("2", "3", "4", "5"):
        w = width * details.get(mark, 0) / total
        if w:
            parts.append(
                format_html(
                    '<rect x="{}" y="0" width="{}" height="18" fill="{}"><title>«{}»: {} ({})</title></rect>',
                    f"{x:.1f}",
                    f"{w:.1f}",
                    colours[mark],
                    mark,
                    details.get(mark, 0),
                    _value(100 * details.get(mark, 0) / total, "%"),
                )  # fmt: skip
            )
            x += w
    parts.append("</svg>")
    return mark_safe("".join(parts))


def escape_text(text) -> str:
    return escape(text)


def bar_chart(bars: list[dict], *, caption: str = "") -> str:
    """Horizontal bars of shares (0…1), each labelled and with its text («11,4 %»): the mark
    distribution and the task-by-task success of an analytic report, on its page and in its PDF."""
    label_w, bar_w, row_h, pad = 70, 360, 20, 4
    width, height = label_w + bar_w + 70, row_h * len(bars) + pad * 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{e(caption or "Диаграмма")}">'
    ]
    for index, bar in enumerate(bars):
        y = pad + row_h * index
        value = max(0.0, min(1.0, float(bar.get("value") or 0)))
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" font-size="11" text-anchor="end">{e(bar["label"])}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 6}" fill="#f1f3f5"/>'
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * value:.1f}" height="{row_h - 6}" fill="#0d6efd"/>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="11">{e(bar["text"])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
