"""Orders (приказы) of an education authority that approve roadmaps and assign people."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from roadmaps.models.plans import Roadmap
from schools.access import ScopedQuerySet
from schools.models import Organization


class OrderQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff of the authority see their municipality's orders (drafts included); directors read
        the signed ones of their municipality; the region's staff its regional organisations' orders
        and its municipalities'; viewers and admins read all."""
        return self.filter(
            Q(organization__municipality_id__in=access.municipality_ids | access.region_municipality_ids)
            | Q(organization__municipality_id__in=access.director_municipality_ids, status=Order.Status.SIGNED)
            | Q(organization__municipality__isnull=True, organization__region__in=access.regions)
        )


class Order(models.Model):
    """Приказ органа управления образованием: «Об утверждении планов мероприятий («дорожных
    карт») …» — its basis paragraph, the items «Утвердить …» generated from the roadmaps it
    approves (each an appendix), free items, the persons assigned and the one who controls,
    and the signatory."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Проект"
        SIGNED = "signed", "Подписан"

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.PROTECT, related_name="orders"
    )
    header = models.TextField(
        "шапка бланка",
        blank=True,
        help_text="Строки над словом «ПРИКАЗ», например «Администрация города Сарова» и название органа; "
        "пусто — полное наименование организации",
    )
    number = models.CharField("номер", max_length=100, blank=True)
    date = models.DateField("дата")
    title = models.TextField("заголовок", help_text="Например: Об утверждении планов мероприятий («дорожных карт») …")
    basis = models.TextField("преамбула (основание)", blank=True)
    place_phrase = models.CharField(
        "где", max_length=200, blank=True, help_text="Для пунктов «Утвердить …»: например, «в Сарове»"
    )
    control_text = models.CharField(
        "формулировка контроля",
        max_length=300,
        default="Контроль за исполнением настоящего приказа оставить за",
        help_text="За ней следует должность и ФИО контролирующего в творительном падеже",
    )
    signatory_position = models.CharField("подписывает: должность", max_length=300, blank=True)
    signatory_name = models.CharField("подписывает: ФИО", max_length=200, blank=True)
    status = models.CharField("состояние", max_length=20, choices=Status.choices, default=Status.DRAFT)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="отметил подписание",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField("отмечен подписанным", null=True, blank=True)
    roadmaps = models.ManyToManyField(
        Roadmap, verbose_name="утверждаемые дорожные карты", through="OrderRoadmap", related_name="orders"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="создал", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = "приказ"
        verbose_name_plural = "приказы"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="signed") | ~Q(number=""), name="order_signed_has_number"),
        ]

    def __str__(self) -> str:
        return f"Приказ от {self.date:%d.%m.%Y} № {self.number or '—'}"


class OrderRoadmap(models.Model):
    """Дорожная карта, утверждаемая приказом, с номером приложения к приказу."""

    order = models.ForeignKey(Order, verbose_name="приказ", on_delete=models.CASCADE, related_name="approved")
    roadmap = models.ForeignKey(Roadmap, verbose_name="дорожная карта", on_delete=models.PROTECT, related_name="+")
    appendix_number = models.PositiveIntegerField("номер приложения")

    class Meta:
        verbose_name = "утверждаемая дорожная карта"
        verbose_name_plural = "утверждаемые дорожные карты"
        ordering = ["order", "appendix_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "roadmap"], name="order_roadmap_unique"),
            models.UniqueConstraint(fields=["order", "appendix_number"], name="order_appendix_unique"),
        ]

    def __str__(self) -> str:
        return f"Приложение {self.appendix_number}: {self.roadmap}"


class OrderItem(models.Model):
    """Свободный пункт приказа (после пунктов «Утвердить …»); строки с «- » — подпункты-перечень."""

    order = models.ForeignKey(Order, verbose_name="приказ", on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("порядок", default=0)
    text = models.TextField("текст пункта")

    class Meta:
        verbose_name = "пункт приказа"
        verbose_name_plural = "пункты приказа"
        ordering = ["order", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class OrderPerson(models.Model):
    """Лицо, названное в приказе: ответственный («Назначить ответственным за … заместителю
    начальника …» — дательный падеж) или контролирующий («Контроль … оставить за начальником …» —
    творительный падеж). Name and position are stored in the nominative and declined when printed."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", "Ответственный (поручение)"
        CONTROL = "control", "Контроль за исполнением"

    class Gender(models.TextChoices):
        AUTO = "", "Определить по имени"
        MALE = "male", "Мужской"
        FEMALE = "female", "Женский"

    order = models.ForeignKey(Order, verbose_name="приказ", on_delete=models.CASCADE, related_name="persons")
    role = models.CharField("роль", max_length=20, choices=Role.choices, default=Role.RESPONSIBLE)
    position = models.CharField("должность (именительный падеж)", max_length=300)
    name = models.CharField("ФИО (именительный падеж)", max_length=200, help_text="Например: Разуваева Т.В.")
    gender = models.CharField("род", max_length=10, choices=Gender.choices, blank=True, default="")
    duty = models.TextField(
        "поручение",
        blank=True,
        help_text="Для ответственного: «за реализацию планов мероприятий» или «обеспечить выполнение …»",
    )
    order_index = models.PositiveIntegerField("порядок", default=0)

    class Meta:
        verbose_name = "лицо в приказе"
        verbose_name_plural = "лица в приказе"
        ordering = ["order", "role", "order_index", "pk"]

    def __str__(self) -> str:
        return f"{self.position} {self.name}"
