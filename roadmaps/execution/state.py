"""The state of an occurrence (исполнение): the one rule every page, tile, count, notification,
reminder and report uses.

The stored `Assignment.status` records only what people did (added evidence, submitted, the
methodist accepted or returned). The state a person sees adds the calendar to it: an occurrence
nobody handed in is «просрочено» the day after its due date and «срок скоро» within
`DUE_SOON_DAYS` before it. The rules below are data, read both by the database (`state_case`,
`state_q`) and by Python (`state_of`), so the two cannot drift apart.

Which occurrences count: those of approved roadmaps (`counted`), unless a page is about one
roadmap and says so (`for_roadmap`)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Q, QuerySet, TextChoices, Value, When
from django.utils import timezone

DUE_SOON_DAYS = 7  # «срок скоро»: due today or within the next seven days


class State(TextChoices):
    RETURNED = "returned", "На доработке"
    OVERDUE = "overdue", "Просрочено"
    DUE_SOON = "due_soon", "Срок скоро"
    PLANNED = "planned", "Запланировано"
    SUBMITTED = "submitted", "На проверке"
    ACCEPTED = "accepted", "Принято"


# Action first: the order of the director's home, the tabs, the filters and the tiles.
STATE_ORDER = [State.RETURNED, State.OVERDUE, State.DUE_SOON, State.PLANNED, State.SUBMITTED, State.ACCEPTED]
STATE_LABELS = dict(State.choices)
STATE_BADGES = {
    State.RETURNED: "text-bg-warning",
    State.OVERDUE: "text-bg-danger",
    State.DUE_SOON: "text-bg-info",
    State.PLANNED: "text-bg-secondary",
    State.SUBMITTED: "text-bg-primary",
    State.ACCEPTED: "text-bg-success",
}


@dataclass(frozen=True)
class Rule:
    """An occurrence is in `state` when its stored status is one of `statuses` (any, if empty)
    and, when `due_before` is set, it is due before today + `due_before` days. The first rule
    that matches wins; an occurrence no rule matches is planned."""

    state: str
    statuses: tuple[str, ...] = ()
    due_before: int | None = None

    def q(self, today: date) -> Q:
        condition = Q(status__in=self.statuses) if self.statuses else Q()
        if self.due_before is not None:
            condition &= Q(due_date__lt=today + timedelta(days=self.due_before))
        return condition

    def matches(self, status: str, due_date: date | None, today: date) -> bool:
        if self.statuses and status not in self.statuses:
            return False
        if self.due_before is not None:
            return due_date is not None and due_date < today + timedelta(days=self.due_before)
        return True


RULES = [
    Rule(State.ACCEPTED, statuses=("accepted",)),
    Rule(State.SUBMITTED, statuses=("submitted",)),
    # Late wins over returned: a returned occurrence past its due date is late, and the
    # authority counts it so; its comment still shows on the occurrence's page.
    Rule(State.OVERDUE, due_before=0),
    Rule(State.RETURNED, statuses=("returned",)),
    Rule(State.DUE_SOON, due_before=DUE_SOON_DAYS + 1),
]


def state_of(status: str, due_date: date | None, today: date | None = None) -> str:
    """The state in Python (an occurrence already loaded, a report line)."""
    today = today or timezone.localdate()
    return next((rule.state for rule in RULES if rule.matches(status, due_date, today)), State.PLANNED)


def state_q(state: str, today: date | None = None) -> Q:
    """The rows in `state`: its rule, and none of the rules before it."""
    today = today or timezone.localdate()
    condition = Q()
    for rule in RULES:
        if rule.state == state:
            return condition & rule.q(today)
        condition &= ~rule.q(today)
    return condition  # planned: no rule matched


def state_case(today: date | None = None) -> Case:
    today = today or timezone.localdate()
    return Case(
        *(When(rule.q(today), then=Value(rule.state)) for rule in RULES),
        default=Value(State.PLANNED),
        output_field=CharField(),
    )


def with_state(queryset: QuerySet, today: date | None = None) -> QuerySet:
    """Annotate `state` (read on the instance as `assignment.state`)."""
    return queryset.annotate(state=state_case(today))


def counted(queryset: QuerySet) -> QuerySet:
    """The occurrences that count: those of approved (current) roadmaps."""
    return queryset.filter(measure__section__roadmap__status="approved")


def for_roadmap(queryset: QuerySet, roadmap_id: int) -> QuerySet:
    """A page about one roadmap counts that roadmap's occurrences whatever its status (an
    archived plan's execution stays readable); such a page names the status when it is not
    «утверждена»."""
    return queryset.filter(measure__section__roadmap_id=roadmap_id)
