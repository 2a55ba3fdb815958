"""What roadmaps put on the home page (schools.home): the roadmaps waiting for the person's
approval, the drafts the person works on. Each count is the roadmap list filtered as its link says."""

from django.urls import reverse
from django.utils.http import urlencode

from roadmaps.filters import MINE_APPROVE, MINE_EDIT
from roadmaps.models import Roadmap
from roadmaps.selectors import roadmaps_filtered
from schools.home import Source, Todo, home_source_register


def _todo(user, *, key: str, label: str, urgency: int, **params) -> Todo:
    _, roadmaps = roadmaps_filtered(user, params)
    return Todo(
        key=key,
        label=label,
        count=roadmaps.count(),
        url=f"{reverse('roadmaps:list')}?{urlencode(params)}",
        urgency=urgency,
    )


def official_todos(user) -> list[Todo]:
    return [
        _todo(
            user,
            key="roadmaps-on-approval",
            label="Дорожные карты на утверждении",
            urgency=10,
            status=Roadmap.Status.ON_APPROVAL,
            mine=MINE_APPROVE,
        )
    ]


def methodist_todos(user) -> list[Todo]:
    return [
        _todo(
            user,
            key="roadmap-drafts",
            label="Черновики дорожных карт",
            urgency=10,
            status=Roadmap.Status.DRAFT,
            mine=MINE_EDIT,
        )
    ]


def register() -> None:
    home_source_register(Source("roadmaps-official", "official", official_todos))
    home_source_register(Source("roadmaps-methodist", "methodist", methodist_todos))
