"""What an order (приказ) approves: a roadmap, a zoning method. The approval is the signed Order
itself — its number, date and signatory are read from it, never typed a second time on the
approved record (issue 19, parts 4 and 10)."""

from django.db import models


class ApprovedByOrder(models.Model):
    approval_order = models.ForeignKey(
        "roadmaps.Order",
        verbose_name="утверждена приказом",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_%(class)ss",
    )

    class Meta:
        abstract = True

    @property
    def approval_line(self) -> str:
        """«приказ № 215-о от 28.08.2026» — the approving order as the pages name it; empty before approval."""
        order = self.approval_order
        return f"приказ № {order.number} от {order.date:%d.%m.%Y}" if order else ""
