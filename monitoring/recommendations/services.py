"""Writes of addressed recommendations (адресные рекомендации): sent to a group of organisations,
answered by each with a report and documents, decided by the methodist (выполнена / выполнена
частично / не выполнена), some picked for the выборочная проверка. A recommendation's state follows
from its addressees' and changes only here; every addressee's change is kept in its history."""

from __future__ import annotations

import random
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from config.lib.fragments import DOCUMENTS, writes
from monitoring.models import (
    Colour,
    Recommendation,
    RecommendationAddressee,
    RecommendationFile,
    ZoningMethod,
)
from roadmaps.execution.services import workers_of
from roadmaps.models import Notification
from roadmaps.notifications.services import notification_create
from roadmaps.uploads import validate_upload
from schools.access import METHODIST, access_for, enforce, staff_of
from schools.models import Municipality

Addressee = RecommendationAddressee
Kind = Notification.Kind
Status = Addressee.Status
SEND_REFUSED = "Адресные рекомендации направляют методист или руководитель УО муниципалитета"
ANSWER_REFUSED = "Отчёт по рекомендации представляет руководитель организации-адресата"
DECIDE_REFUSED = "Решение об исполнении принимает методист или руководитель УО, но не руководитель самой организации"
#: The reports people may leave: enough to say what was done, not a place for a second document.
REPORT_MAX_CHARS = 5000


@writes(DOCUMENTS)
def recommendation_create(
    *, municipality: Municipality, by, organizations, text: str, group: str = Recommendation.Group.ORGANIZATIONS,
    due_date: date | None = None, method: ZoningMethod | None = None, zone_colour: str = "", measures=(),
) -> Recommendation:  # fmt: skip
    """Send a recommendation: one addressee per organisation, each waiting for its report."""
    enforce(access_for(by).can_manage_monitoring(municipality.pk), SEND_REFUSED)
    organizations = list(organizations)
    if not organizations:
        raise ValidationError("Выберите хотя бы одну организацию-адресата")
    if any(o.municipality_id != municipality.pk for o in organizations):
        raise ValidationError("Рекомендация адресуется только организациям муниципалитета")
    if not text.strip():
        raise ValidationError({"text": "Напишите текст рекомендации"})
    if group not in Recommendation.Group.values:
        raise ValidationError({"group": "Выберите адресатов из списка"})
    if due_date is not None and due_date < timezone.localdate():
        raise ValidationError({"due_date": "Срок отчёта уже прошёл: укажите сегодняшнюю или более позднюю дату"})
    if zone_colour and zone_colour not in Colour.values:
        zone_colour = ""
    recommendation = Recommendation.objects.create(
        municipality=municipality, text=text.strip(), group=group, due_date=due_date, zoning_method=method,
        zone_colour=zone_colour, created_by=by,
    )  # fmt: skip
    recommendation.organizations.set(organizations)
    recommendation.measures.set(measures)
    bulk_create_with_history(
        [Addressee(recommendation=recommendation, organization=o) for o in organizations], Addressee, default_user=by
    )
    text = f"Адресная рекомендация {recommendation.get_group_display()}: {_short(recommendation.text)}"
    if due_date:
        text += f" Отчёт — до {due_date:%d.%m.%Y}."
    for organization in organizations:
        for person in workers_of(organization):
            notification_create(
                recipient=person, kind=Kind.RECOMMENDATION, text=text, url=_url(recommendation),
                key=f"recommendation:{person.pk}:{recommendation.pk}",
            )  # fmt: skip
    return recommendation


@transaction.atomic
def recommendation_report(*, addressee: Addressee, by, report: str, files=()) -> Addressee:
    """The addressee says what it did, with documents. It may add to its report until the methodist
    accepts it as carried out; a report after «частично» or «не выполнена» is looked at again."""
    addressee = Addressee.objects.select_for_update().select_related("organization").get(pk=addressee.pk)
    enforce(access_for(by).can_answer_recommendation(addressee.organization), ANSWER_REFUSED)
    if addressee.status == Status.DONE:
        raise ValidationError("Рекомендация уже признана выполненной: отчёт закрыт")
    report = report.strip()
    files = list(files)
    if not report and not files and not addressee.report:
        raise ValidationError({"report": "Напишите, что сделано, или приложите документ"})
    if len(report) > REPORT_MAX_CHARS:
        raise ValidationError({"report": f"Отчёт длиннее {REPORT_MAX_CHARS} знаков: сократите его"})
    checked = [(upload, validate_upload(upload)) for upload in files]  # every file checked before any is kept
    for upload, info in checked:
        upload.seek(0)
        stored = RecommendationFile(
            addressee=addressee, original_name=info.original_name, content_type=info.content_type, size=info.size,
            uploaded_by=by,
        )  # fmt: skip
        stored.file.save(info.storage_name(), ContentFile(upload.read()), save=False)
        stored.save()
    if report:
        addressee.report = report
    addressee.status = Status.REPORTED
    addressee.reported_by, addressee.reported_at = by, timezone.now()
    addressee.save()
    _status_refresh(addressee.recommendation_id)
    recommendation = addressee.recommendation
    for person in staff_of(addressee.organization, METHODIST):
        notification_create(
            recipient=person, kind=Kind.RECOMMENDATION_REPORTED, url=f"{_url(recommendation)}#answer-{addressee.pk}",
            text=f"{addressee.organization.short_name} представила отчёт по рекомендации: {_short(recommendation.text)}",
            key=f"recommendation_report:{person.pk}:{addressee.pk}:{addressee.reported_at.isoformat()}",
        )  # fmt: skip
    return addressee


@writes(DOCUMENTS)
def recommendation_decide(*, addressee: Addressee, by, decision: str, comment: str = "") -> Addressee:
    """The methodist's decision on one addressee. «Выполнена» needs a report; «частично» and «не
    выполнена» need a comment saying what is missing; «не выполнена» without any report is possible
    once the report's date has passed."""
    addressee = (
        Addressee.objects.select_for_update().select_related("organization", "recommendation").get(pk=addressee.pk)
    )
    enforce(access_for(by).can_decide_recommendation(addressee.organization), DECIDE_REFUSED)
    if decision not in Addressee.DECISIONS:
        raise ValidationError({"decision": "Выберите решение: выполнена, выполнена частично или не выполнена"})
    comment = comment.strip()
    if decision != Status.DONE and not comment:
        raise ValidationError({"comment": "Напишите, чего не хватает: комментарий увидит организация"})
    if addressee.status == Status.SENT:
        due = addressee.recommendation.due_date
        if decision != Status.NOT_DONE or due is None or due >= timezone.localdate():
            raise ValidationError(
                "Организация ещё не представила отчёт: решать можно после отчёта"
                + (f" или после срока {due:%d.%m.%Y} — «не выполнена»" if due else "")
            )
    addressee.status = decision
    addressee.comment = comment
    addressee.decided_by, addressee.decided_at = by, timezone.now()
    addressee.save()
    _status_refresh(addressee.recommendation_id)
    said = addressee.get_status_display().lower() + (f": {comment}" if comment else "")
    for person in workers_of(addressee.organization):
        notification_create(
            recipient=person, kind=Kind.RECOMMENDATION_DECIDED, url=f"{_url(addressee.recommendation)}#answer-{addressee.pk}",
            text=f"Рекомендация «{_short(addressee.recommendation.text, 80)}» — {said}",
            key=f"recommendation_decided:{person.pk}:{addressee.pk}:{addressee.decided_at.isoformat()}",
        )  # fmt: skip
    return addressee


@transaction.atomic
def recommendation_sample(*, recommendation: Recommendation, by, size: int, seed: str | None = None) -> list[Addressee]:
    """Pick addressees for the выборочная проверка at random (a new pick replaces the last one)."""
    enforce(access_for(by).can_manage_monitoring(recommendation.municipality_id), SEND_REFUSED)
    addressees = list(recommendation.addressees.select_for_update().order_by("pk"))
    if size < 1:
        raise ValidationError({"size": "Укажите, сколько организаций проверить: не меньше одной"})
    rng = random.Random(seed if seed is not None else f"{recommendation.pk}-{timezone.now().isoformat()}")
    chosen = {a.pk for a in rng.sample(addressees, min(size, len(addressees)))}
    for addressee in addressees:
        if addressee.sampled != (addressee.pk in chosen):
            addressee.sampled = addressee.pk in chosen
            addressee.save(update_fields=["sampled"])
    return [a for a in addressees if a.pk in chosen]


def _short(text: str, length: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _url(recommendation: Recommendation) -> str:
    return reverse("recommendations:detail", args=[recommendation.pk])


def _status_refresh(recommendation_id: int) -> None:
    """Направлена while nobody answered, исполнение рассмотрено once every addressee is decided."""
    statuses = set(Addressee.objects.filter(recommendation_id=recommendation_id).values_list("status", flat=True))
    if statuses and statuses <= set(Addressee.DECISIONS):
        status = Recommendation.Status.DONE
    elif statuses - {Status.SENT}:
        status = Recommendation.Status.IN_WORK
    else:
        status = Recommendation.Status.SENT
    Recommendation.objects.filter(pk=recommendation_id).update(status=status)
