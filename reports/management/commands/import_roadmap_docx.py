"""python manage.py import_roadmap_docx FILE --owner CODE [--user LOGIN] [--roadmap ID] [--dry-run]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from config.lib.cli import id_option, read_input, text_option
from reports.services import roadmap_import_check_docx, roadmap_import_docx
from roadmaps.models import Roadmap
from roadmaps.services import RoadmapStateError
from roadmaps.xlsx import RoadmapImportError
from schools.models import Organization


class Command(BaseCommand):
    help = "Загрузить план мероприятий из документа Word (.docx) в новый черновик дорожной карты организации"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--owner", required=True, type=text_option(Organization, "code", "Код организации"), help="код организации"
        )
        parser.add_argument(
            "--user",
            default="",
            help="логин, от имени которого загружается план (по умолчанию — первый администратор)",
        )
        parser.add_argument(
            "--roadmap", type=id_option(Roadmap, "id дорожной карты"), default=None, help="заменить этот черновик"
        )
        parser.add_argument("--dry-run", action="store_true", help="только показать, что загрузится")

    def handle(self, *args, file, owner, user, roadmap, dry_run, **options):
        path = Path(file)
        data = read_input(path)
        organization = Organization.objects.filter(code=owner).first()
        if organization is None:
            raise CommandError(f"Организация с кодом «{owner}» не найдена")
        by = self._user(user)
        target = None
        if roadmap is not None:
            target = Roadmap.objects.filter(pk=roadmap, owner=organization).first()
            if target is None:
                raise CommandError(f"У организации «{owner}» нет дорожной карты {roadmap}")
        try:
            if dry_run:
                preview = roadmap_import_check_docx(data=data, by=by, owner=organization)
                self._show(preview)
                return
            outcome = roadmap_import_docx(data=data, by=by, owner=organization, roadmap=target)
        except RoadmapImportError as error:
            raise CommandError("\n".join(str(problem) for problem in error.problems)) from error
        except (RoadmapStateError, PermissionDenied) as error:
            raise CommandError(str(error)) from error
        if outcome.unchanged:
            self.stdout.write(f"Этот файл уже загружен в черновик {outcome.roadmap.pk}: ничего не изменено")
            return
        what = "создан черновик" if outcome.created else "заменён черновик"
        self.stdout.write(
            f"{path.name}: {what} {outcome.roadmap.pk} «{outcome.roadmap}», "
            f"разделов {outcome.sections}, мероприятий {outcome.measures}"
        )

    def _user(self, login: str):
        users = get_user_model().objects.filter(is_active=True)
        found = (
            users.filter(username=login).first() if login else users.filter(is_superuser=True).order_by("pk").first()
        )
        if found is None:
            raise CommandError(f"Пользователь «{login}» не найден" if login else "Укажите --user: администратора нет")
        return found

    def _show(self, preview) -> None:
        for column in preview.columns:
            self.stdout.write(f"столбец «{column.label}»: {column.field}")
        for note in preview.notes:
            self.stdout.write(note)
        for section in preview.sections:
            self.stdout.write(section.label)
            for row in section.measures:
                mark = "" if row.deadline_parsed else "  [срок не разобран]"
                self.stdout.write(f"  {row.number} {row.measure.description} — {row.measure.deadline_text}{mark}")
        if preview.unknown_executors:
            self.stdout.write("Нет в реестре: " + "; ".join(preview.unknown_executors))
        self.stdout.write(f"Разделов {len(preview.sections)}, мероприятий {preview.parsed.measure_count}")
