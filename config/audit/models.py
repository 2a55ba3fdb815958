from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Запись журнала аудита: who did what to which object, when and from where.

    Written only through `audit_record`; the product offers no way to edit or delete it.
    """

    class Action(models.TextChoices):
        LOGIN = "login", "Вход"
        LOGIN_FAILED = "login_failed", "Неудачный вход"
        LOGOUT = "logout", "Выход"
        APPROVAL = "approval", "Утверждение"
        RETURN = "return", "Возврат на доработку"
        IMPORT = "import", "Загрузка данных"
        EVIDENCE_DECISION = "evidence_decision", "Решение по документам"
        EXPORT_PERSONAL = "export_personal", "Выгрузка данных об обучающихся"
        PERMISSION_CHANGE = "permission_change", "Изменение прав"
        OTHER = "other", "Иное"

    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("имя пользователя", max_length=150, blank=True)
    action = models.CharField("действие", max_length=30, choices=Action.choices, db_index=True)
    object_type = models.CharField("тип объекта", max_length=100, blank=True)
    object_id = models.CharField("номер объекта", max_length=64, blank=True)
    object_repr = models.CharField("объект", max_length=300, blank=True)
    detail = models.JSONField("подробности", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("адрес", null=True, blank=True)

    class Meta:
        verbose_name = "событие аудита"
        verbose_name_plural = "журнал аудита"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.username} {self.get_action_display()} {self.object_repr}".strip()
