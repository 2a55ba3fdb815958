"""The home page as a to-do list (issue 20): one panel for each role the person holds, filled with
what the apps above register in their `AppConfig.ready`.

Schools know the roles, not the work: roadmaps, monitoring and reports register here what waits for
whom (roadmaps on approval, evidence to review, imports with problems, …) without this app
importing them — the same arrangement as `roadmaps.groups`. Every count on the home is a link to
the list it counts; a source computes its count with the very filter that list applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schools.access import Access, access_for


@dataclass(frozen=True)
class Todo:
    """One counter of a panel: «Дорожные карты на утверждении — 2», a link to the list of those two."""

    key: str  # stable name (the page's data-todo, tests)
    label: str
    count: int
    url: str
    urgency: int = 50  # lower first within the panel
    tone: str = "warning"  # the badge's colour when the count is not zero: warning, danger, info


@dataclass(frozen=True)
class Block:
    """A part of a panel with its own template (the director's rows, the viewer's comparison)."""

    template: str
    context: dict[str, Any]
    urgency: int = 50


@dataclass(frozen=True)
class PanelKind:
    key: str
    title: str
    holds: Callable[[Access], bool]  # whether the person holds the role this panel is for


# The panels in the order the home shows them, the roles that approve and review first.
PANELS = [
    PanelKind(
        "official",
        "Ждёт вашего утверждения и контроля",
        lambda a: bool(a.official_municipality_ids or a.official_regions),
    ),
    PanelKind(
        "methodist",
        "Работа методиста",
        lambda a: bool(a.methodist_municipality_ids or a.methodist_regions),
    ),
    # The organisation's own occurrences: a director's school, or the authority's own for its staff.
    PanelKind("organization", "Мероприятия организации", lambda a: a.is_director or a.is_staff_of_authority),
    PanelKind(
        "comparison",
        "Сравнение муниципалитетов",
        lambda a: a.is_viewer or a.is_regional_staff,
    ),
]
_PANEL_KEYS = {kind.key for kind in PANELS}


@dataclass(frozen=True)
class Source:
    """`build(user)` gives the panel's todos and blocks of one app; [] when it has nothing for the person."""

    name: str
    panel: str
    build: Callable[[Any], list[Todo | Block]]


_SOURCES: dict[str, Source] = {}


def home_source_register(source: Source) -> None:
    if source.panel not in _PANEL_KEYS:
        raise ValueError(f"Unknown home panel {source.panel!r}")
    _SOURCES[source.name] = source


@dataclass
class Panel:
    key: str
    title: str
    todos: list[Todo] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def home_panels(user) -> list[Panel]:
    """The panels of the roles the person holds, each with what its sources found; a panel with
    neither todos nor blocks is left out."""
    access = access_for(user)
    panels = []
    for kind in PANELS:
        if not kind.holds(access):
            continue
        panel = Panel(kind.key, kind.title)
        for source in _SOURCES.values():
            if source.panel != kind.key:
                continue
            for part in source.build(user):
                (panel.todos if isinstance(part, Todo) else panel.blocks).append(part)
        if panel.todos or panel.blocks:
            panel.todos.sort(key=lambda todo: todo.urgency)
            panel.blocks.sort(key=lambda block: block.urgency)
            panels.append(panel)
    return panels
