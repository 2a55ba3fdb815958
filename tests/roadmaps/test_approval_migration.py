"""Migrations 0005–0007: approvals typed on roadmaps become signed orders, and back."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("roadmaps", "0004_assignment_due_order")]
AFTER = [("roadmaps", "0007_roadmap_approval_from_order")]
PERIOD = {"period_start": date(2022, 9, 1), "period_end": date(2023, 8, 31)}
SIGNED_AT = datetime(2022, 8, 29, 9, 0, tzinfo=UTC)


def migrate(targets):
    """Move roadmaps to `targets`, the other apps staying as far as they can; the models as they are then."""
    MigrationExecutor(connection).migrate(targets)  # unapplies what depends on later roadmaps too
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


@pytest.fixture
def old_world(django_db_blocker):
    """The database at 0004 with approvals typed on roadmaps; at the end, back to the latest schema."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_approvals_become_signed_orders_and_come_back(old_world):
    apps = old_world
    Roadmap, Order = apps.get_model("roadmaps", "Roadmap"), apps.get_model("roadmaps", "Order")
    municipality = apps.get_model("schools", "Municipality").objects.create(name="Район", region="Область")
    authority = apps.get_model("schools", "Organization").objects.create(
        municipality=municipality, code="uo-m", kind="authority", short_name="УО", full_name="УО"
    )
    official = apps.get_model("auth", "User").objects.create(username="official-m")

    def approved(title, number, day, **extra):
        return Roadmap.objects.create(
            owner=authority,
            title=title,
            status=extra.pop("status", "approved"),
            order_number=number,
            order_date=day,
            approved_by=official,
            approved_at=SIGNED_AT,
            approver_position="Начальник\nуправления образования",
            approver_name="Т.В. Разуваева",
            **PERIOD,
            **extra,
        )

    # two roadmaps approved by the same order № 215-о, one of them printed as appendix 2
    first = approved("Первая", "215-о", date(2022, 8, 28))
    second = approved("Вторая", "215-о", date(2022, 8, 28), appendix_number="2", status="archived")
    # a roadmap whose order document (still a draft) was prepared in the product
    typed = approved("Третья", "12", date(2022, 8, 27))
    document = Order.objects.create(organization=authority, number="12", date=date(2022, 8, 27), title="Об утв.")
    apps.get_model("roadmaps", "OrderRoadmap").objects.create(order=document, roadmap=typed, appendix_number=1)
    draft = Roadmap.objects.create(owner=authority, title="Черновик", **PERIOD)

    apps = migrate(AFTER)
    Roadmap, Order = apps.get_model("roadmaps", "Roadmap"), apps.get_model("roadmaps", "Order")
    assert Order.objects.count() == 2  # one order per document: № 215-о made, № 12 reused
    made = Roadmap.objects.get(pk=first.pk).approval_order
    assert Roadmap.objects.get(pk=second.pk).approval_order_id == made.pk
    assert (made.number, made.date, made.status, made.signed_by_id, made.signed_at) == (
        "215-о",
        date(2022, 8, 28),
        "signed",
        official.pk,
        SIGNED_AT,
    )
    assert (made.signatory_position, made.signatory_name) == ("Начальник управления образования", "Т.В. Разуваева")
    appendices = dict(made.approved.values_list("roadmap_id", "appendix_number"))
    assert appendices == {first.pk: 1, second.pk: 2}
    reused = Roadmap.objects.get(pk=typed.pk).approval_order
    assert (reused.pk, reused.status) == (document.pk, "signed")
    assert Roadmap.objects.get(pk=draft.pk).approval_order_id is None

    apps = migrate(BEFORE)
    Roadmap = apps.get_model("roadmaps", "Roadmap")
    back = {r.pk: (r.order_number, r.order_date, r.approved_by_id, r.approved_at) for r in Roadmap.objects.all()}
    assert back[first.pk] == back[second.pk] == ("215-о", date(2022, 8, 28), official.pk, SIGNED_AT)
    assert back[typed.pk][:2] == ("12", date(2022, 8, 27))
    assert back[draft.pk] == ("", None, None, None)

    # forward again: the orders are found, not made twice
    apps = migrate(AFTER)
    assert apps.get_model("roadmaps", "Order").objects.count() == 2
