"""Groups of organisations a measure can be assigned to in one choice, offered by other apps.

Roadmaps know nothing of the apps above them: monitoring offers «the red zone of a method» here
(`MonitoringConfig.ready` registers it), and the assignment form lists whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class GroupSource:
    """`choices(municipality_id)` lists the groups as (key, label); `members(municipality_id, key)`
    returns the organisations of the group, or None for a key it does not know."""

    name: str
    choices: Callable[[int], list[tuple[str, str]]]
    members: Callable[[int, str], QuerySet | None]


_SOURCES: dict[str, GroupSource] = {}


def group_source_register(source: GroupSource) -> None:
    _SOURCES[source.name] = source


def group_choices(municipality_id: int) -> list[tuple[str, str]]:
    return [
        (f"{source.name}:{key}", label)
        for source in _SOURCES.values()
        for key, label in source.choices(municipality_id)
    ]


def group_members(municipality_id: int, value: str) -> QuerySet | None:
    """The organisations of a chosen group (`value` as `group_choices` gave it); None if unknown."""
    name, _, key = value.partition(":")
    source = _SOURCES.get(name)
    return source.members(municipality_id, key) if source else None
