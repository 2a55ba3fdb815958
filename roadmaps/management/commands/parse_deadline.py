import json
import re
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from roadmaps.deadlines import parse_deadline

_PERIOD = re.compile(r"(?P<start>[0-9]{4}-[0-9]{2}-[0-9]{2}):(?P<end>[0-9]{4}-[0-9]{2}-[0-9]{2})")


def period_from_option(value: str) -> tuple[date, date]:
    """ "2022-08-01:2023-07-31" → the two dates; anything else is a CommandError."""
    message = f"Неверное значение --period «{value}»: нужно ГГГГ-ММ-ДД:ГГГГ-ММ-ДД, например 2022-08-01:2023-07-31"
    match = _PERIOD.fullmatch(value.strip())
    if match is None:
        raise CommandError(message)
    try:
        start, end = date.fromisoformat(match["start"]), date.fromisoformat(match["end"])
    except ValueError as error:
        raise CommandError(message) from error
    if start > end:
        raise CommandError(f"Неверное значение --period «{value}»: начало периода позже его конца")
    return start, end


class Command(BaseCommand):
    help = "Разобрать текст срока относительно периода дорожной карты и напечатать структуру в JSON"
    # A pure function of its arguments: no database, no checks needed.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("text", help="текст срока, например «Сентябрь, ноябрь, март-апрель»")
        parser.add_argument(
            "--period",
            required=True,
            help="период дорожной карты ГГГГ-ММ-ДД:ГГГГ-ММ-ДД, например 2022-08-01:2023-07-31",
        )

    def handle(self, *args, text: str, period: str, **options):
        start, end = period_from_option(period)
        parsed = parse_deadline(text, period_start=start, period_end=end)
        self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False))
