from datetime import date

from django.core.management.base import BaseCommand, CommandError

from roadmaps.execution.services import reminders_send


class Command(BaseCommand):
    help = (
        "Напоминания об исполнении: создать уведомления (назначено, срок через 7 дней, "
        "срок прошёл) и разослать по одному письму-сводке каждому. Повторный запуск ничего не отправляет повторно"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="считать сегодняшней эту дату (ГГГГ-ММ-ДД), для проверки")

    def handle(self, *args, date: str | None = None, **options):
        today = None
        if date:
            try:
                today = _parse(date)
            except ValueError as error:
                raise CommandError(f"Дата «{date}» не в формате ГГГГ-ММ-ДД") from error
        result = reminders_send(today=today)
        self.stdout.write(f"Новых уведомлений: {result['notifications']}; отправлено писем: {result['emails']}")


def _parse(text: str):
    return date.fromisoformat(text)
