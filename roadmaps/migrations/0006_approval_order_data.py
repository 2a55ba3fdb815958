"""Step 2: every approved or archived roadmap gets the order (приказ) that approved it, built from the number
and date typed on the roadmap. An order document of that number which already lists the roadmap, or one of
the same organisation, number and date, is that very order: it is reused (and marked signed, since the
roadmap was approved by it); otherwise a signed order is created with the roadmap as its appendix and the
roadmap's «УТВЕРЖДАЮ» signatory. Reversed, the number, date, who and when are written back to the roadmap
from its order; the orders stay (they are documents now), and a second run forward finds them again."""

from django.db import migrations
from django.db.models import Max

APPROVED = ["approved", "archived"]
NO_NUMBER = "б/н"  # «без номера»: an order cannot be signed without a number
TITLE = "Об утверждении плана мероприятий («дорожной карты»)"


def carry_approvals(apps, schema_editor):
    Roadmap = apps.get_model("roadmaps", "Roadmap")
    Order = apps.get_model("roadmaps", "Order")
    OrderRoadmap = apps.get_model("roadmaps", "OrderRoadmap")
    for roadmap in Roadmap.objects.filter(status__in=APPROVED, approval_order__isnull=True).order_by("pk"):
        number = roadmap.order_number.strip() or NO_NUMBER
        signed_at = roadmap.approved_at or roadmap.updated_at
        day = roadmap.order_date or signed_at.date()
        order = (
            Order.objects.filter(approved__roadmap=roadmap, number=number).order_by("-status", "pk").first()
            or Order.objects.filter(organization_id=roadmap.owner_id, number=number, date=day)
            .order_by("-status", "pk")
            .first()
        )
        if order is None:
            order = Order.objects.create(
                organization_id=roadmap.owner_id,
                number=number,
                date=day,
                title=TITLE,
                signatory_position=" ".join(roadmap.approver_position.split()),
                signatory_name=roadmap.approver_name,
                status="signed",
                signed_by_id=roadmap.approved_by_id,
                signed_at=signed_at,
                created_by_id=roadmap.approved_by_id,
            )
        elif order.status != "signed":
            Order.objects.filter(pk=order.pk).update(
                status="signed", signed_by_id=roadmap.approved_by_id, signed_at=signed_at
            )
        if not OrderRoadmap.objects.filter(order=order, roadmap=roadmap).exists():
            # the appendix number typed on the roadmap is kept when the order has it free
            typed = roadmap.appendix_number.strip()
            taken = OrderRoadmap.objects.filter(order=order)
            if typed.isdecimal() and len(typed) <= 4 and not taken.filter(appendix_number=int(typed)).exists():
                appendix = int(typed)
            else:
                appendix = (taken.aggregate(last=Max("appendix_number"))["last"] or 0) + 1
            OrderRoadmap.objects.create(order=order, roadmap=roadmap, appendix_number=appendix)
        Roadmap.objects.filter(pk=roadmap.pk).update(approval_order=order)


def write_approvals_back(apps, schema_editor):
    Roadmap = apps.get_model("roadmaps", "Roadmap")
    for roadmap in Roadmap.objects.filter(approval_order__isnull=False).select_related("approval_order"):
        order = roadmap.approval_order
        Roadmap.objects.filter(pk=roadmap.pk).update(
            order_number="" if order.number == NO_NUMBER else order.number,
            order_date=order.date,
            approved_by_id=order.signed_by_id,
            approved_at=order.signed_at,
            approval_order=None,
        )


class Migration(migrations.Migration):
    dependencies = [("roadmaps", "0005_approval_order")]

    operations = [migrations.RunPython(carry_approvals, write_approvals_back)]
