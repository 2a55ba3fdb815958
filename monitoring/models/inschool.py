"""Analysis inside a school: the class → teacher list a school supplies, and the per-task sums of
each school's rows kept for the municipality comparison. Results of ВПР and other procedures are
not a rating of teachers (Рособрнадзор's recommendations): the list serves methodological support
of the school's own teachers and is shown only to the school and its municipality's staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from monitoring.models.results import Assessment
from schools.access import ScopedQuerySet
from schools.models import Organization


class ClassTeacherQuerySet(ScopedQuerySet):
    # A teacher's name is the school's staff data: administrators see it (they run the system),
    # the regional viewers never do.
    everything_for_those_who_see_everything = False

    def scope(self, access, user):
        if access.is_admin:
            return self
        return self.filter(
            Q(organization_id__in=access.organization_ids)
            | Q(organization__municipality_id__in=access.municipality_ids)
        )


class ClassTeacher(models.Model):
    """Учитель класса по предмету: which teacher taught a class a subject in a school year, as the
    school's director entered or uploaded it. Only the school and its municipality's methodists and
    officials see it, and only on the page «Анализ в школе»."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="class_teachers"
    )
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    class_name = models.CharField("класс", max_length=20)
    subject = models.CharField("предмет", max_length=200)
    teacher = models.CharField("учитель", max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто внёс", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField("изменено", auto_now=True)

    objects = ClassTeacherQuerySet.as_manager()

    class Meta:
        verbose_name = "учитель класса"
        verbose_name_plural = "учителя классов"
        ordering = ["organization", "-year", "class_name", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "class_name", "subject"], name="class_teacher_unique"
            ),
            models.CheckConstraint(
                condition=~Q(class_name="") & ~Q(subject="") & ~Q(teacher=""), name="class_teacher_filled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.class_name}, {self.subject}: {self.teacher}"


class TaskStat(models.Model):
    """Поэлементные итоги ОО: for one school and one work, how many participants have task scores
    and the sum of their scores on each task (in the order of Assessment.tasks). Computed with the
    indicators (monitoring.inschool.stats) so that a school's page compares its tasks with the
    municipality's pooled rates without reading every row of the municipality."""

    assessment = models.ForeignKey(Assessment, verbose_name="процедура", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    participants = models.PositiveIntegerField("участники с баллами за задания")
    #: Σ score per task position: [12, 30, 7, …]
    sums = models.JSONField("суммы баллов по заданиям", default=list)
    computed_at = models.DateTimeField("рассчитано", auto_now=True)

    class Meta:
        verbose_name = "поэлементные итоги ОО"
        verbose_name_plural = "поэлементные итоги ОО"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "organization"], name="task_stat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.assessment}"
