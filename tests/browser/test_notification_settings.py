"""A person finds «Настройки уведомлений» in the user menu, turns one kind of letter to the daily
digest and another off, and finds the choice kept."""

from playwright.sync_api import expect

from roadmaps.models import Delivery, Notification, NotificationPreference
from tests.browser.conftest import login


def test_director_chooses_how_notifications_come(page, demo_people):
    login(page, "director")
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("link", name="Настройки уведомлений").click()
    page.wait_for_url("**/execution/notifications/settings/")
    expect(page.get_by_text("в продукте (колокольчик и страница «Уведомления») видны все уведомления")).to_be_visible()
    page.get_by_label("Назначено мероприятие").select_option(Delivery.DAILY)
    page.get_by_label("Приближается срок").select_option(Delivery.OFF)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Настройки уведомлений сохранены")).to_be_visible()
    expect(page.get_by_label("Назначено мероприятие")).to_have_value(Delivery.DAILY)
    expect(page.get_by_label("Приближается срок")).to_have_value(Delivery.OFF)
    chosen = dict(NotificationPreference.objects.filter(user__username="director").values_list("kind", "delivery"))
    assert chosen[Notification.Kind.ASSIGNED] == Delivery.DAILY
    assert chosen[Notification.Kind.DUE_SOON] == Delivery.OFF
