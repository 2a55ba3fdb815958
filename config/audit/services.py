from django.db import models

from config.audit.models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    user=None,
    obj: models.Model | None = None,
    detail: dict | None = None,
    request=None,
    username: str = "",
) -> AuditEvent:
    """Append one event to the audit log. Call it inside the service's transaction, so that an
    action rolled back leaves no record of having happened."""
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=username or (user.get_username() if user else ""),
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=detail or {},
        ip_address=client_ip(request),
    )
