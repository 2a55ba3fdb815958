"""The rows of the roadmap table (roadmaps.table) rendered in Python.

A plan has hundreds of measures; rendering each row through the template engine cost ~1.5 ms
(≈150 template nodes), which put a 300-measure page over its 300 ms budget. The row here gives
the same HTML as a template would, with every text escaped by `config.lib.html.e`."""

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from config.lib.html import e as _e
from roadmaps.attainment import ATTAINED, NOT_ATTAINED
from roadmaps.table import ATTAINMENT_PREFIX, LEAD_MARK, TARGET_PREFIX, attainment_text, executor_name, target_line


def _paragraphs(text: str) -> str:
    """Like the `linebreaks` filter: blank lines separate paragraphs, single newlines become <br>."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    return "".join(
        "<p>" + _e(part.strip()).replace("\n", "<br>") + "</p>" for part in text.split("\n\n") if part.strip()
    )


def _lines(text: str) -> str:
    return _e(text).replace("\r\n", "\n").replace("\n", "<br>")


def _executor(e) -> str:
    lead = f' <span class="small text-muted">{_e(LEAD_MARK.strip())}</span>' if e.is_lead else ""
    return f'<div class="executor{" executor-lead" if e.is_lead else ""}">{_e(executor_name(e))}{lead}</div>'


def _target(m) -> str:
    text = target_line(m)
    return f'<div class="small measure-target">{_e(TARGET_PREFIX + text)}</div>' if text else ""


_VERDICT_TONE = {ATTAINED: "text-bg-success", NOT_ATTAINED: "text-bg-danger"}


def _attainment(row) -> str:
    """Each year's «достигнуто / не достигнуто / нет данных» under the target (an approved plan)."""
    if not row.attainments:
        return ""
    m = row.measure
    items = "".join(
        f'<li data-verdict="{_e(item.verdict)}"><span class="badge {_VERDICT_TONE.get(item.verdict, "text-bg-secondary")}">'
        f"{_e(item.verdict)}</span> {_e(attainment_text(item, roadmap=m.section.roadmap, unit=m.target_unit))}</li>"
        for item in row.attainments
    )
    return (
        f'<div class="small measure-attainment">{_e(ATTAINMENT_PREFIX.strip())}'
        f'<ul class="list-unstyled mb-0">{items}</ul></div>'
    )


def _controls(pk: int, urls: str) -> str:
    # Move and delete refresh only the row's section (its numbers change), never the whole table;
    # `data-control` names the button the editor puts the focus back on (static/js/roadmaps.js).
    base = _e(f"{urls}{pk}/")
    return (
        '<td class="d-print-none col-controls"><div class="btn-group-vertical btn-group-sm" role="group" '
        'aria-label="Действия с мероприятием">'
        f'<button class="btn btn-outline-primary" type="button" hx-get="{base}edit/" hx-target="#measure-{pk}" '
        'hx-swap="outerHTML" data-control="edit">Изменить</button>'
        f'<button class="btn btn-outline-secondary" type="button" hx-post="{base}move/" '
        'hx-vals=\'{"direction": "up"}\' hx-target="closest tbody" hx-swap="outerHTML" data-control="up" '
        'title="Выше" aria-label="Выше">↑</button>'
        f'<button class="btn btn-outline-secondary" type="button" hx-post="{base}move/" '
        'hx-vals=\'{"direction": "down"}\' hx-target="closest tbody" hx-swap="outerHTML" data-control="down" '
        'title="Ниже" aria-label="Ниже">↓</button>'
        f'<a class="btn btn-outline-secondary" href="{base}assign/">Назначить</a>'
        f'<button class="btn btn-outline-danger" type="button" hx-post="{base}delete/" hx-target="closest tbody" '
        'hx-swap="outerHTML" data-confirm="Удалить мероприятие?">Удалить</button></div></td>'
    )


def cascade_card_url(pk: int) -> str:
    return reverse("cascade:measure", args=[pk])


def _level_cells(m) -> str:
    return (
        f'<td class="col-level col-municipal" data-label="Муниципальный уровень">{_paragraphs(m.municipal_text)}</td>'
        f'<td class="col-level col-school" data-label="Уровень ОО">{_paragraphs(m.school_text)}</td>'
    )


def measure_row_html(row, *, editable: bool, urls: str, assignable: bool = False) -> SafeString:
    m = row.measure
    deadline = m.deadline or {}
    summary = ""
    if row.summary:
        manual = ' <span class="badge text-bg-info">вручную</span>' if m.deadline_manual else ""
        summary = (
            f'<div class="deadline-parse small deadline-kind-{_e(deadline.get("kind", ""))}" title="Разбор сроков">'
            f"{_e(row.summary)}{manual}</div>"
        )
    actions = ""
    if m.actions:
        actions = '<ul class="measure-actions mb-0">' + "".join(f"<li>{_e(a)}</li>" for a in m.actions) + "</ul>"
    kinds = row.evidence_kinds
    result = "".join(
        [
            f"<div>{_lines(m.expected_result)}</div>" if m.expected_result else "",
            _target(m),
            _attainment(row),
            f'<div class="small text-muted">Документы: {_e(", ".join(k.title.lower() for k in kinds))}</div>'
            if kinds
            else "",
        ]
    )
    assigned = getattr(m, "assigned_count", 0)
    note = "".join(
        [
            f"<div>{_lines(m.note)}</div>" if m.note else "",
            f'<div class="small text-muted">Этап: {_e(m.stage.title)}</div>' if m.stage_id else "",
            f'<div class="small text-muted d-print-none">Назначено организациям: {assigned}</div>' if assigned else "",
            # On an approved roadmap the plan is frozen but execution starts: assigning stays possible.
            f'<a class="small d-print-none measure-assign" href="{_e(urls)}{m.pk}/assign/">Назначить организациям</a>'
            if assignable and not editable
            else "",
            "".join(
                f'<div class="small text-warning-emphasis d-print-none">⚠ {_e(flag)}</div>'
                for flag in m.review_flags or []
            ),
            # up the chain: what the municipalities made of this regional line
            f'<a class="small d-print-none measure-cascade" href="{_e(cascade_card_url(m.pk))}">По муниципалитетам</a>'
            if row.levels and not editable
            else "",
        ]
    )
    # data-label: a phone shows each row as a card, every cell under its column's name (app.css).
    description_label = "Региональный уровень" if row.levels else "Мероприятие"
    handle = (
        '<span class="drag-handle d-print-none" title="Перетащить" aria-hidden="true">⇅</span> ' if editable else ""
    )
    return mark_safe(
        f'<tr id="measure-{m.pk}" class="measure-row{" table-warning" if m.review_flags else ""}" data-id="{m.pk}">'
        f'<td class="col-number" data-label="№">{handle}{_e(row.number)}</td>'
        f'<td class="col-description measure-description" data-label="{description_label}">'
        f"{_paragraphs(m.description)}</td>"
        f"{_level_cells(m) if row.levels else ''}"
        f'<td class="col-deadline" data-label="Сроки"><div class="deadline-text">{_e(m.deadline_text)}</div>{summary}</td>'
        f'<td class="col-executors" data-label="Исполнители">{"".join(_executor(e) for e in row.executors)}</td>'
        f'<td class="col-actions" data-label="Перечень действий">{actions}</td>'
        f'<td class="col-result" data-label="Ожидаемый результат">{result}</td>'
        f'<td class="col-note" data-label="Примечание">{note}</td>'
        f"{_controls(m.pk, urls) if editable else ''}</tr>"
    )


# --- execution dashboards -----------------------------------------------------------------


def progress_bar_html(p) -> str:
    """The SVG bar of a Progress: accepted, submitted, in work, overdue (colours come from CSS)."""
    label = (
        f"Принято {p.accepted}, на проверке {p.submitted}, в работе {p.in_work}, просрочено {p.overdue} из {p.total}"
    )
    segments = "".join(
        f'<rect class="bar-{s["css"]}" x="{s["x"]}" y="0" width="{s["w"]}" height="16">'
        f"<title>{s['title']}: {s['value']}</title></rect>"
        for s in p.segments()
    )
    return (
        f'<svg class="progress-svg" width="300" height="16" viewBox="0 0 300 16" role="img" aria-label="{label}">'
        f'<rect class="bar-empty" x="0" y="0" width="300" height="16"></rect>{segments}</svg>'
    )


def progress_table_html(rows, *, caption: str, link=None) -> SafeString:
    """A table of Progress rows (a region's dashboard has a thousand organisations); `link(pk)`
    gives the URL of a row's label when the rows lead somewhere."""
    body = []
    for p in rows:
        label = f'<a href="{_e(link(p.pk))}">{_e(p.label)}</a>' if link else _e(p.label)
        overdue = " text-danger fw-semibold" if p.overdue else ""
        # A row with a list behind it (`p.url`): its total and overdue numbers lead there.
        total = f'<a href="{_e(p.url)}">{p.total}</a>' if p.url else p.total
        late = f'<a href="{_e(p.url)}&amp;state=overdue">{p.overdue}</a>' if p.url and p.overdue else p.overdue
        body.append(
            f'<tr><td>{label}</td><td class="text-end">{total}</td><td class="text-end">{p.in_work}</td>'
            f'<td class="text-end">{p.submitted}</td><td class="text-end">{p.accepted}</td>'
            f'<td class="text-end{overdue}">{late}</td>'
            f'<td>{progress_bar_html(p)} <span class="small text-muted">{p.percent}%</span></td></tr>'
        )
    if not body:
        body.append('<tr><td colspan="7" class="text-muted">Нет назначенных мероприятий.</td></tr>')
    return mark_safe(
        '<div class="table-responsive"><table class="table table-sm align-middle progress-table"><thead><tr>'
        f'<th>{_e(caption)}</th><th class="text-end">Всего</th><th class="text-end">В работе</th>'
        '<th class="text-end">На проверке</th><th class="text-end">Принято</th><th class="text-end">Просрочено</th>'
        f"<th>Ход исполнения</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
