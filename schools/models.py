import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from config.lib.fragments import ORGANIZATIONS, versions_bump
from schools.access import ScopedQuerySet, access_for


class MunicipalityQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(
            pk__in=access.municipality_ids | access.director_municipality_ids | access.region_municipality_ids
        )

    def managed_by(self, user):
        """The municipalities whose work the person does (imports, the registry, orders, roadmaps):
        every one for an administrator, their own for its methodists and officials, none otherwise."""
        access = access_for(user)
        return self if access.is_admin else self.filter(pk__in=access.municipality_ids)


class Municipality(models.Model):
    """Муниципальное образование (район, городской округ), whose education authority runs the plans."""

    name = models.CharField("наименование", max_length=200)
    region = models.CharField("субъект РФ", max_length=200)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = "муниципалитет"
        verbose_name_plural = "муниципалитеты"
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self) -> str:
        return self.name


class OrganizationQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        return self.filter(
            Q(municipality_id__in=access.municipality_ids | access.region_municipality_ids)
            | Q(pk__in=access.organization_ids)
            | Q(municipality__isnull=True, region__in=access.regions)
        )

    def managed_by(self, user):
        """The organisations of the municipalities the person manages (`MunicipalityQuerySet.managed_by`)."""
        access = access_for(user)
        return self if access.is_admin else self.filter(municipality_id__in=access.municipality_ids)

    def schools(self):
        return self.filter(kind=Organization.Kind.SCHOOL)

    def preschools(self):
        return self.filter(kind=Organization.Kind.PRESCHOOL)


#: «г. Новоузенск», «с. Дюрметь», «п. Основной», «рп Лазаревка», «ст-ца Каневская» in an address.
SETTLEMENT = re.compile(r"(?:^|,)\s*(г\.|с\.|п\.|пос\.|пгт\.?|рп\.?|р\.\s?п\.|д\.|ст-ца|х\.|аул)\s*([А-ЯЁ][^,]*)")


class Organization(models.Model):
    """Организация: орган управления образованием (УО), методическая служба (ММС),
    общеобразовательная организация (ОО), детский сад (ДОУ), организация дополнительного
    образования (ДО) или партнёр."""

    class Kind(models.TextChoices):
        AUTHORITY = "authority", "Орган управления образованием (УО)"
        METHODICAL = "methodical", "Методическая служба (ММС)"
        SCHOOL = "school", "Общеобразовательная организация (ОО)"
        PRESCHOOL = "preschool", "Дошкольная организация (ДОУ)"
        SUPPLEMENTARY = "supplementary", "Организация дополнительного образования (ДО)"
        PARTNER = "partner", "Партнёр"
        REGIONAL = "regional", "Региональная организация (министерство, РЦОИ, ИРО)"
        OTHER = "other", "Иная организация"

    municipality = models.ForeignKey(
        Municipality,
        verbose_name="муниципалитет",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text="Не указывается только у региональных организаций",
    )
    # A regional organisation has no municipality, so it names its region here, spelled exactly as
    # `Municipality.region`: the region's staff read that region's municipalities through it. A
    # municipal organisation leaves it empty and is in its municipality's region (`region_name`).
    region = models.CharField(
        "субъект РФ",
        max_length=200,
        blank=True,
        help_text="Только у региональных организаций: как в поле «субъект РФ» муниципалитетов региона",
    )
    kind = models.CharField("тип", max_length=20, choices=Kind.choices)
    code = models.CharField(
        "код ОО", max_length=50, help_text="Логин/код в федеральных системах результатов, например sch123456"
    )
    #: РЦОИ protocols name a school by its code in the regional information system (111002), not
    #: by its ФИС ОКО login: the results import matches either.
    rcoi_code = models.CharField(
        "код в РЦОИ", max_length=50, blank=True, help_text="Код ОО в протоколах РЦОИ (ОГЭ, ЕГЭ), например 111002"
    )
    full_name = models.CharField("полное наименование", max_length=500)
    short_name = models.CharField("краткое наименование", max_length=200)
    address = models.CharField("адрес", max_length=500, blank=True)
    is_rural = models.BooleanField("сельская", default=False)
    head_name = models.CharField("руководитель (ФИО)", max_length=200, blank=True)
    head_position = models.CharField("должность руководителя", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("телефон", max_length=100, blank=True)
    website = models.URLField("сайт", blank=True)
    enrolment = models.PositiveIntegerField("численность обучающихся", null=True, blank=True)
    unfavourable_conditions = models.BooleanField(
        "функционирует в неблагоприятных социальных условиях (ШНСУ)", default=False
    )
    low_results = models.BooleanField("школа с низкими результатами (ШНРО)", default=False)
    is_active = models.BooleanField("действует", default=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["municipality", "kind", "short_name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="organization_unique_code"),
            models.UniqueConstraint(
                fields=["municipality", "rcoi_code"],
                condition=~Q(rcoi_code=""),
                name="organization_unique_rcoi_code",
                violation_error_message="Такой код РЦОИ уже есть у другой организации муниципалитета",
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | Q(kind="regional"),
                name="organization_municipality_required",
                violation_error_message="Муниципалитет обязателен для всех организаций, кроме региональных",
            ),
        ]
        indexes = [models.Index(fields=["code"])]

    def __str__(self) -> str:
        return self.short_name

    def save(self, *args, **kwargs):
        # Names and codes are printed in cached page fragments (config.lib.fragments): the admin,
        # the registry import and the demo all save organisations one by one, through here.
        super().save(*args, **kwargs)
        organizations_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        organizations_changed()
        return result

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    @property
    def settlement(self) -> str:
        """The settlement (населённый пункт) in the address: «с. Дюрметь», «г. Новоузенск»; empty
        when the address names none. Pickers group a district's organisations by it."""
        match = SETTLEMENT.search(self.address)
        return f"{match.group(1)} {match.group(2).strip()}" if match else ""

    @property
    def region_name(self) -> str:
        return self.municipality.region if self.municipality_id else self.region


class Membership(models.Model):
    """Членство человека в организации с ролью: через него ограничивается всё, что он видит."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Администратор"
        OFFICIAL = "official", "Руководитель УО (начальник, заместитель)"
        METHODIST = "methodist", "Методист"
        DIRECTOR = "director", "Руководитель ОО"
        VIEWER = "viewer", "Наблюдатель (региональный координатор)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="пользователь", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("роль", max_length=20, choices=Role.choices)
    position = models.CharField("должность", max_length=200, blank=True)

    class Meta:
        verbose_name = "членство"
        verbose_name_plural = "членства (роли пользователей)"
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organization})"


def organizations_changed() -> None:
    versions_bump(ORGANIZATIONS)
    transaction.on_commit(lambda: versions_bump(ORGANIZATIONS))


class SchoolContextQuerySet(ScopedQuerySet):
    def scope(self, access, user):
        """Staff see their municipality's schools (the region's staff the region's); a director sees
        only their own school's context, never another school's."""
        return self.filter(
            Q(organization__municipality_id__in=access.municipality_ids | access.region_municipality_ids)
            | Q(organization_id__in=access.organization_ids)
        )


class SchoolContext(models.Model):
    """Контекстные данные школы за учебный год: контингент, обучающиеся с ОВЗ, сельская местность,
    число классов, педагоги и вакансии. Imported from the authority's workbook (schools.context);
    clusters of comparable schools (monitoring.clusters) are built from them. Counts of children
    only: no child is named here."""

    organization = models.ForeignKey(
        Organization, verbose_name="организация", on_delete=models.CASCADE, related_name="contexts"
    )
    year = models.PositiveSmallIntegerField("учебный год (год окончания)")
    pupils = models.PositiveIntegerField("численность обучающихся (контингент)")
    ovz_pupils = models.PositiveIntegerField("обучающихся с ОВЗ", default=0)
    is_rural = models.BooleanField("сельская", default=False)
    classes = models.PositiveIntegerField("число классов (классов-комплектов)")
    teachers = models.PositiveIntegerField("педагогических работников")
    vacancies = models.PositiveIntegerField("вакансий педагогов", default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="загрузил", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField("загружено", auto_now=True)

    objects = SchoolContextQuerySet.as_manager()

    class Meta:
        verbose_name = "контекстные данные школы"
        verbose_name_plural = "контекстные данные школ"
        ordering = ["-year", "organization__code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="school_context_unique_year"),
            models.CheckConstraint(
                condition=Q(ovz_pupils__lte=models.F("pupils")),
                name="school_context_ovz_within_pupils",
                violation_error_message="Обучающихся с ОВЗ не может быть больше, чем всех обучающихся",
            ),
            models.CheckConstraint(
                condition=Q(pupils__gt=0) & Q(classes__gt=0),
                name="school_context_not_empty",
                violation_error_message="В школе должны быть обучающиеся и хотя бы один класс",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.year - 1}/{self.year}"

    @property
    def ovz_share(self) -> float:
        """Доля обучающихся с ОВЗ, %."""
        return 100.0 * self.ovz_pupils / self.pupils

    @property
    def pupils_per_class(self) -> float:
        return self.pupils / self.classes

    @property
    def vacancy_share(self) -> float:
        """Доля вакансий среди ставок педагогов (педагоги + вакансии), %."""
        places = self.teachers + self.vacancies
        return 100.0 * self.vacancies / places if places else 0.0
