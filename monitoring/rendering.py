"""The organisation tiles of the monitoring overview rendered in Python.

A region shows a thousand tiles; through the template engine each cost ~0.25 ms (a url tag, the
zone's display methods, a dozen variables). The tile here gives the same HTML, with every text
escaped by `config.lib.html.e`."""

from django.utils.safestring import SafeString, mark_safe

from config.lib.html import e
from roadmaps.execution.state import STATE_BADGES, STATE_LABELS
from roadmaps.models import Roadmap


def zone_tiles_html(rows, *, can_edit: bool, card_url) -> SafeString:
    """rows: OverviewRow. Checkboxes (to choose organisations for addressed measures) for editors."""
    if not rows:
        return mark_safe('<p class="text-muted">Нет организаций по выбранным условиям.</p>')
    parts = []
    for row in rows:
        organization, zone = row.organization, row.zone
        colour = zone.colour if zone else ""
        box = (
            f'<input class="form-check-input me-1" type="checkbox" name="organizations" value="{organization.pk}" '
            f'id="org-{organization.pk}" data-zone="{e(colour)}" aria-label="Выбрать {e(organization.short_name)}">'
            if can_edit
            else ""
        )
        if zone is None:
            state = "зона не рассчитана"
        else:
            state = e(zone.get_colour_display())
            if zone.changed:
                state += f" (была {e(zone.get_previous_colour_display().lower())})"
        rural = " · сельская" if organization.is_rural else ""
        parts.append(
            f'<div class="zone-tile zone-{e(colour or "none")}" data-organization="{e(organization.code)}">{box}'
            f'<a href="{e(card_url(organization.pk))}">{e(organization.short_name)}</a>'
            f'<div class="small">{e(organization.code)}{rural} · {state}</div></div>'
        )
    return mark_safe("".join(parts))


def _truncate(text: str, length: int) -> str:
    """Like the `truncatechars` filter: at most `length` characters, the last one «…»."""
    return text if len(text) <= length else text[: length - 1] + "…"


def assignments_rows_html(assignments, *, drafts: bool = False) -> SafeString:
    """Rows of the organisation card's assigned measures (a region's school has two hundred);
    `assignments` are the card's plain rows (analysis.selectors.organization_card). Rows of draft
    roadmaps carry the roadmap's status instead of a state: they are not executed yet."""
    if not assignments:
        return mark_safe('<tr><td colspan="5" class="text-muted">Мероприятий нет.</td></tr>')
    statuses = dict(Roadmap.Status.choices)
    parts = []
    for a in assignments:
        due = a["due_date"].strftime("%d.%m.%Y") if a["due_date"] else a["measure__deadline_text"]
        method = a["measure__targeting__zoning_method__title"]
        basis = f"зона по методике «{e(method)}»" if method else ""
        if drafts:
            state = e(statuses[a["measure__section__roadmap__status"]].lower())
        else:
            state = f'<span class="badge {STATE_BADGES[a["state"]]}">{e(STATE_LABELS[a["state"]])}</span>'
        parts.append(
            f"<tr><td>{e(a['measure__description'])}</td>"
            f"<td>{e(_truncate(a['measure__section__roadmap__title'], 80))}</td>"
            f"<td>{e(due)}</td><td>{state}</td><td>{basis}</td></tr>"
        )
    return mark_safe("".join(parts))
