"""Statements generated from the numbers of an analytic report («Доля «2» выросла с 8,1 % до
11,4 %.»): Russian sentences, comma decimals, each printed with the mark «сформировано
автоматически» so that a reader tells them from what the methodist wrote."""

from __future__ import annotations

from config.lib.russian import plural

GENERATED = "сформировано автоматически"


def number(value: float | None, digits: int = 1) -> str:
    """«8,1», «12», «—» for no value: comma decimals, as every printed number of the product."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


def percent(value: float | None) -> str:
    """A share 0…1 as «8,1 %» (a non-breaking space before the sign)."""
    return "—" if value is None else f"{number(100 * value)}\u00a0%"


def share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def people(count: int) -> str:
    return f"{count} {plural(count, 'участник', 'участника', 'участников')}"


def in_schools(count: int) -> str:
    """«в 1 организации», «в 6 организациях» (after «в»)."""
    return f"{count} {plural(count, 'организации', 'организациях', 'организациях')}"


#: The verbs of `change` by the grammatical gender of what changed: «доля» (f), «средний балл» (m),
#: «значение» (n).
VERBS = {
    "f": ("выросла", "снизилась", "не изменилась"),
    "m": ("вырос", "снизился", "не изменился"),
    "n": ("выросло", "снизилось", "не изменилось"),
}


def change(what: str, before: float | None, now: float | None, *, fmt=percent, gender: str = "f") -> str:
    """«Доля «2» выросла с 8,1 % до 11,4 %.» / «… не изменилась (8,1 %).» / "" without both values."""
    if before is None or now is None:
        return ""
    rose, fell, same = VERBS[gender]
    if fmt(before) == fmt(now):
        return f"{what} {same} ({fmt(now)})."
    return f"{what} {rose if now > before else fell} с {fmt(before)} до {fmt(now)}."


def versus(what: str, own: float | None, other: float | None, whom: str, *, fmt=percent) -> str:
    """«Доля «2» (11,4 %) выше, чем в среднем по муниципалитету (8,1 %).»"""
    if own is None or other is None:
        return ""
    if fmt(own) == fmt(other):
        return f"{what} ({fmt(own)}) такая же, как в среднем {whom}."
    word = "выше" if own > other else "ниже"
    return f"{what} ({fmt(own)}) {word}, чем в среднем {whom} ({fmt(other)})."


def weakest(tasks: list[dict]) -> str:
    """«Наименее успешно выполнены задания 9.1 (12,0 %), 12К1 (18,5 %).»"""
    if not tasks:
        return ""
    listed = ", ".join(f"{task['label']} ({percent(task['success'])})" for task in tasks)
    word = "задание" if len(tasks) == 1 else "задания"
    verb = "выполнено" if len(tasks) == 1 else "выполнены"
    return f"Наименее успешно {verb} {word} {listed}."


def objectivity(lowered: float | None, confirmed: float | None, raised: float | None) -> str:
    """«Отметку по журналу подтвердили 72,0 % участников, понизили — 20,0 %, повысили — 8,0 %.»"""
    if confirmed is None:
        return ""
    return (
        f"Отметку по журналу подтвердили {percent(confirmed)} участников, понизили — {percent(lowered)}, "
        f"повысили — {percent(raised)}."
    )
