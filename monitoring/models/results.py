"""Assessment results: procedures (ВПР, ОГЭ, ЕГЭ, КДР …), imports of their workbooks, per-student
rows under pseudonymous codes, and per-school statistics. Children's names are never stored."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from schools.access import ScopedQuerySet
from schools.models import Municipality, Organization


class Assessment(models.Model):
    """Оценочная процедура: вид, учебный год (by the year it ends in: 2024 = 2023/2024), предмет,
    параллель и шкала."""

    class Kind(models.TextChoices):
        VPR = "vpr", "ВПР"
        OGE = "oge", "ОГЭ"
        EGE = "ege", "ЕГЭ"
        KDR = "kdr", "КДР"
        NIKO = "niko", "НИКО"
        REGIONAL = "regional", "Региональная процедура"
        OTHER = "other", "Иная процедура"

    class Scale(models.TextChoices):
        MARKS = "marks", "Отметки 2–5"
        LEVELS = "levels", "Уровни достижения"
        TEST_SCORES = "test_scores", "Тестовые баллы 0–100"

    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    subject = models.CharField("предмет", max_length=200)
    grade = models.PositiveSmallIntegerField("параллель", null=True, blank=True)
    date = models.DateField("дата проведения", null=True, blank=True)
    scale = models.CharField("шкала", max_length=20, choices=Scale.choices, default=Scale.MARKS)
    #: The work's tasks in the order of StudentResult.task_scores, as the last imported file described
    #: them: [{"label": "9.1", "max": 1, "difficulty": "Б"}, …] (max and difficulty when the file says;
    #: "entered": true where a methodist entered the maximum on the page «Задания работы»).
    tasks = models.JSONField("задания", default=list, blank=True)
    #: The most primary score of the work, entered once by a methodist on the page «Задания работы»
    #: (a primary score above it is rejected at import).
    max_primary_score = models.PositiveSmallIntegerField("максимальный первичный балл", null=True, blank=True)

    class Meta:
        verbose_name = "оценочная процедура"
        verbose_name_plural = "оценочные процедуры"
        ordering = ["-year", "kind", "subject", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "subject", "grade"], name="assessment_unique"),
            # NULLs are distinct in a unique index: a work without a grade needs its own rule, or
            # two first imports at once could each create it.
            models.UniqueConstraint(
                fields=["kind", "year", "subject"],
                condition=Q(grade__isnull=True),
                name="assessment_unique_without_grade",
            ),
        ]

    def __str__(self) -> str:
        grade = f", {self.grade} кл." if self.grade else ""
        return f"{self.get_kind_display()} {self.year - 1}/{self.year}: {self.subject}{grade}"

    def save(self, *args, **kwargs):
        """A changed year moves the work's results with it (they carry it as their partition key)."""
        fields = kwargs.get("update_fields")
        before = None
        if self.pk and (fields is None or "year" in fields):
            before = Assessment.objects.filter(pk=self.pk).values_list("year", flat=True).first()
        super().save(*args, **kwargs)
        if before is not None and before != self.year:
            from monitoring.partitions import results_partition_ensure

            results_partition_ensure([self.year])
            StudentResult.objects.filter(year=before, assessment_id=self.pk).update(year=self.year)

    @property
    def year_label(self) -> str:
        return f"{self.year - 1}/{self.year}"


class EgeMinScore(models.Model):
    """Минимальный балл ЕГЭ по предмету в году, установленный Рособрнадзором."""

    year = models.PositiveSmallIntegerField("год")
    subject = models.CharField("предмет", max_length=200)
    min_score = models.PositiveSmallIntegerField("минимальный балл")

    class Meta:
        verbose_name = "минимальный балл ЕГЭ"
        verbose_name_plural = "минимальные баллы ЕГЭ"
        ordering = ["-year", "subject"]
        constraints = [models.UniqueConstraint(fields=["year", "subject"], name="ege_min_score_unique")]

    def __str__(self) -> str:
        return f"{self.subject} {self.year}: {self.min_score}"


class ResultImportQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(municipality_id__in=access.municipality_ids)

    def with_problems(self):
        """Files that need the methodist: not taken (rejected, failed), or checked with rows that
        would be left out and not yet confirmed. A file imported with some rows left out is done:
        its report stays on its page, but it waits for nobody."""
        return self.filter(
            Q(status__in=[ResultImport.Status.REJECTED, ResultImport.Status.FAILED])
            | Q(status=ResultImport.Status.PREVIEWED, rejected_count__gt=0)
        )


class HeaderMapping(models.Model):
    """Сопоставление заголовка: a column heading of the files a municipality receives, mapped by a
    methodist to a field of a format (or to «не использовать»), applied to every later file."""

    class Format(models.TextChoices):
        STUDENTS = "students", "Результаты участников (формат A)"
        SCHOOL_STATS = "school_stats", "Статистика по ОО (формат B)"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="header_mappings", verbose_name="муниципалитет"
    )
    format = models.CharField("формат", max_length=20, choices=Format.choices)
    header = models.CharField("заголовок в файле", max_length=200)
    #: A field of the format's reader, or "" for a column to leave alone.
    field = models.CharField("поле", max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="кто сопоставил"
    )
    created_at = models.DateTimeField("когда", auto_now=True)

    class Meta:
        verbose_name = "сопоставление заголовка"
        verbose_name_plural = "сопоставления заголовков"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "format", "header"], name="header_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.header} → {self.field or 'не использовать'}"


class ResultImport(models.Model):
    """Загрузка книги результатов: the kept original file, its checksum, counts and every problem."""

    class Format(models.TextChoices):
        STUDENTS = "students", "Результаты участников (формат A)"
        SCHOOL_STATS = "school_stats", "Статистика по ОО (формат B)"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Загружен"
        PREVIEWED = "previewed", "Проверен"
        IMPORTED = "imported", "Импортирован"
        REJECTED = "rejected", "Отклонён"
        FAILED = "failed", "Ошибка"
        DUPLICATE = "duplicate", "Уже импортирован (тот же файл)"

    municipality = models.ForeignKey(
        Municipality, verbose_name="муниципалитет", null=True, blank=True, on_delete=models.PROTECT
    )
    file = models.FileField("файл", upload_to="imports/%Y/%m/", max_length=300)
    original_name = models.CharField("имя файла", max_length=255)
    checksum = models.CharField("контрольная сумма SHA-256", max_length=64, db_index=True)
    format = models.CharField("формат", max_length=20, choices=Format.choices, default=Format.STUDENTS)
    kind = models.CharField("вид процедуры", max_length=20, choices=Assessment.Kind.choices)
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    subject = models.CharField("предмет для всего файла", max_length=200, blank=True)
    grade = models.PositiveSmallIntegerField("параллель для всего файла", null=True, blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.UPLOADED)
    read_count = models.PositiveIntegerField("прочитано строк", default=0)
    imported_count = models.PositiveIntegerField("импортировано", default=0)
    absent_count = models.PositiveIntegerField("отсутствовали", default=0)
    rejected_count = models.PositiveIntegerField("отклонено", default=0)
    problems = models.JSONField("проблемы", default=list, blank=True)
    summary = models.JSONField("сводка", default=dict, blank=True)
    rejected_file = models.FileField("отклонённые строки", upload_to="imports/rejected/%Y/%m/", blank=True)
    job = models.ForeignKey(
        "jobs.Job", verbose_name="последнее задание", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="загрузил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("загружен", auto_now_add=True)
    imported_at = models.DateTimeField("импортирован", null=True, blank=True)

    objects = ResultImportQuerySet.as_manager()

    class Meta:
        verbose_name = "загрузка результатов"
        verbose_name_plural = "загрузки результатов"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def year_label(self) -> str:
        return f"{self.year - 1}/{self.year}"

    @property
    def is_busy(self) -> bool:
        """Its job is running or waiting its turn. A job stranded in the queue (its message lost) does
        not hold the file: checking or importing it again replaces that job."""
        return bool(self.job_id) and self.job.status in {"queued", "running"} and not self.job.is_stranded


class ResultsQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(access.organization_q())


class StudentResultQuerySet(ResultsQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        StudentResult.fill_years(objs)
        return super().bulk_create(objs, *args, **kwargs)


class StudentResult(models.Model):
    """Результат одного участника в одной работе, под псевдонимным кодом (no names, ever).

    On PostgreSQL the table is partitioned by `year` (the assessment's school year, copied here
    because a partition key must be a column of the row): one partition per year, made by the
    import before it writes a new year, and a default one for anything else
    (monitoring.partitions). A year is replaced in one transaction and archived by detaching it
    (`manage.py results_archive`). SQLite keeps the plain table."""

    class Level(models.TextChoices):
        INSUFFICIENT = "insufficient", "Недостаточный"
        LOW = "low", "Пониженный (ниже базового)"
        BASE = "base", "Базовый"
        HIGH = "high", "Повышенный (выше базового)"

    # This is the one bulk fact table (a region's file is hundreds of thousands of rows), and
    # every index and trigger on it is paid per imported row (bench/import_results.py: the five
    # indexes Django would make cost more than reading the file). Its only writer,
    # monitoring.services, resolves every id in memory inside the transaction that writes the
    # rows, and deletions cascade through Django's collector, so there are no per-row foreign-key
    # triggers; the indexes are the ones queries need: (assessment, organization) for replacing
    # and aggregating, participant_code for cohorts. Deleting an organisation or an import (rare,
    # administrative) scans the table instead.
    assessment = models.ForeignKey(
        Assessment,
        verbose_name="процедура",
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    result_import = models.ForeignKey(
        ResultImport,
        verbose_name="загрузка",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    #: The assessment's year, filled from it on every write (save, bulk_create, the import's COPY).
    year = models.PositiveSmallIntegerField("учебный год (год окончания)", editable=False)
    class_name = models.CharField("класс", max_length=20, blank=True)
    participant_code = models.CharField("код участника", max_length=64, blank=True)
    variant = models.PositiveSmallIntegerField("вариант", null=True, blank=True)
    task_scores = models.TextField("баллы за задания", blank=True, help_text="через запятую, пусто — нет балла")
    primary_score = models.PositiveSmallIntegerField("первичный балл", null=True, blank=True)
    test_score = models.PositiveSmallIntegerField("тестовый балл", null=True, blank=True)
    mark = models.PositiveSmallIntegerField("отметка", null=True, blank=True)
    level = models.CharField("уровень", max_length=20, choices=Level.choices, blank=True)
    journal_mark = models.PositiveSmallIntegerField("отметка по журналу", null=True, blank=True)
    control_group = models.BooleanField("контрольная группа", default=False)
    ovz = models.BooleanField("ОВЗ", default=False)

    objects = StudentResultQuerySet.as_manager()

    class Meta:
        verbose_name = "результат участника"
        verbose_name_plural = "результаты участников"
        indexes = [
            models.Index(fields=["assessment", "organization"]),
            models.Index(fields=["participant_code"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(mark__isnull=True) | Q(mark__gte=2, mark__lte=5), name="result_mark_2_5"
            ),
            models.CheckConstraint(
                condition=Q(journal_mark__isnull=True) | Q(journal_mark__gte=2, journal_mark__lte=5),
                name="result_journal_mark_2_5",
            ),
            models.CheckConstraint(
                condition=Q(test_score__isnull=True) | Q(test_score__lte=100), name="result_test_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} — {self.participant_code or 'без кода'}"

    def save(self, *args, **kwargs):
        self.fill_years([self])
        super().save(*args, **kwargs)

    @staticmethod
    def fill_years(results) -> None:
        """Set `year` from the assessment on the rows that lack it, in one query for them all."""
        missing = {result.assessment_id for result in results if result.year is None}
        if not missing:
            return
        years = dict(Assessment.objects.filter(pk__in=missing).values_list("pk", "year"))
        for result in results:
            if result.year is None:
                result.year = years.get(result.assessment_id)


class SchoolStat(models.Model):
    """Статистика ОО по процедуре: участники, отметки, уровни, сравнение с журналом, средние баллы.
    Built from student results, or imported directly from aggregate reports (format B)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", "Рассчитана по результатам участников"
        IMPORTED = "imported", "Загружена из отчёта"

    assessment = models.ForeignKey(Assessment, verbose_name="процедура", on_delete=models.CASCADE, related_name="stats")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField("источник", max_length=20, choices=Source.choices, default=Source.COMPUTED)
    participants = models.PositiveIntegerField("участники", default=0)
    mark_2 = models.PositiveIntegerField("«2»", default=0)
    mark_3 = models.PositiveIntegerField("«3»", default=0)
    mark_4 = models.PositiveIntegerField("«4»", default=0)
    mark_5 = models.PositiveIntegerField("«5»", default=0)
    level_insufficient = models.PositiveIntegerField("недостаточный", default=0)
    level_low = models.PositiveIntegerField("пониженный", default=0)
    level_base = models.PositiveIntegerField("базовый", default=0)
    level_high = models.PositiveIntegerField("повышенный", default=0)
    with_journal = models.PositiveIntegerField("есть обе отметки", default=0)
    lowered = models.PositiveIntegerField("понизили", default=0)
    confirmed = models.PositiveIntegerField("подтвердили", default=0)
    raised = models.PositiveIntegerField("повысили", default=0)
    significant_mismatch = models.PositiveIntegerField("расхождение на 2 и более", default=0)
    mean_primary = models.FloatField("средний первичный балл", null=True, blank=True)
    mean_test = models.FloatField("средний тестовый балл", null=True, blank=True)
    below_min = models.PositiveIntegerField("ниже минимального балла", default=0)
    over_60 = models.PositiveIntegerField("более 60 баллов", default=0)
    updated_at = models.DateTimeField("обновлена", auto_now=True)

    objects = ResultsQuerySet.as_manager()

    class Meta:
        verbose_name = "статистика ОО"
        verbose_name_plural = "статистика ОО"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "organization"], name="school_stat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.assessment}"
