"""Server-rendered SVG charts (no JavaScript): the heat map of organisations × rules and the
small year-on-year charts of the organisation card. All text goes through escaping."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

FILL = {"red": "#dc3545", "yellow": "#ffc107", "green": "#198754", "no_data": "#ced4da", None: "#f1f3f5"}
TEXT = {"red": "#fff", "green": "#fff"}


def _value(value) -> str:
    return "н/д" if value is None else f"{value:.1f}"


def heatmap(rows, rules, *, card_url) -> str:
    """rows: OverviewRow (organisation, zone, cells = explanation items per rule)."""
    name_w, cell_w, cell_h, head_h = 300, 92, 24, 48
    width = name_w + cell_w * (len(rules) + 1)
    height = head_h + cell_h * len(rows) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Тепловая карта показателей">'
    ]
    parts.append(format_html('<text x="4" y="{}" font-size="12" font-weight="bold">Организация</text>', head_h - 8))
    for index, rule in enumerate(rules):
        x = name_w + cell_w * index + 4
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11"><title>{}</title>{}</text><text x="{}" y="{}" font-size="10" fill="#6c757d">{}</text>',
                x,
                head_h - 22,
                rule.indicator.name,
                rule.indicator.code[:14],
                x,
                head_h - 8,
                rule.slice_label[:16],
            )  # fmt: skip
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" font-size="12" font-weight="bold">Зона</text>',
            name_w + cell_w * len(rules) + 4,
            head_h - 8,
        )
    )
    for r, row in enumerate(rows):
        y = head_h + cell_h * r
        parts.append(
            format_html(
                '<a href="{}"><text x="4" y="{}" font-size="12" fill="#0d6efd">{}</text></a>',
                card_url(row.organization.pk),
                y + 16,
                row.organization.short_name[:42],
            )  # fmt: skip
        )
        for index in range(len(rules)):
            cell = row.cells[index] if index < len(row.cells) else None
            colour = cell["colour"] if cell else None
            x = name_w + cell_w * index
            title = (
                "нет расчёта"
                if not cell
                else f"{cell['name']}: {_value(cell['value'])} {cell['range']} {cell['reason']}"
            )
            parts.append(
                format_html(
                    '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff"/>'
                    '<text x="{}" y="{}" font-size="11" fill="{}">{}</text></g>',
                    title,
                    x,
                    y,
                    cell_w,
                    cell_h,
                    FILL.get(colour, FILL[None]),
                    x + 6,
                    y + 16,
                    TEXT.get(colour, "#212529"),
                    _value(cell["value"]) if cell else "",
                )  # fmt: skip
            )
        zone = row.zone.colour if row.zone else None
        x = name_w + cell_w * len(rules)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff"/><text x="{}" y="{}" font-size="11" fill="{}">{}</text>',
                x,
                y,
                cell_w,
                cell_h,
                FILL.get(zone, FILL[None]),
                x + 6,
                y + 16,
                TEXT.get(zone, "#212529"),
                row.zone.get_colour_display() if row.zone else "—",
            )  # fmt: skip
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
                    '<rect x="{}" y="0" width="{}" height="18" fill="{}"><title>«{}»: {} ({}%)</title></rect>',
                    f"{x:.1f}",
                    f"{w:.1f}",
                    colours[mark],
                    mark,
                    details.get(mark, 0),
                    f"{100 * details.get(mark, 0) / total:.1f}",
                )  # fmt: skip
            )
            x += w
    parts.append("</svg>")
    return mark_safe("".join(parts))


def escape_text(text) -> str:
    return escape(text)
