from playwright.sync_api import expect

from tests.browser.conftest import login


def test_methodist_logs_in_sees_organisations_and_logs_out(page, demo):
    page.goto("/")
    assert "/accounts/login/" in page.url
    login(page, "methodist")
    assert page.get_by_role("heading", name="Здравствуйте, Елена Петровна Кузнецова").is_visible()
    page.get_by_role("link", name="Организации").click()
    page.wait_for_url("**/organizations/")
    assert page.get_by_role("link", name="МОУ «СОШ № 1 г. Новоузенска»").is_visible()
    assert page.get_by_text("МОУ «СОШ с. Дюрметь»").is_visible()
    assert page.get_by_text("МОУ «СОШ № 1 г. Ершова»").count() == 0  # another municipality

    page.get_by_label("Поиск").fill("дюрметь")
    expect(page.locator("#organization-table tbody tr")).to_have_count(2)
    assert page.get_by_text("МОУ «СОШ № 1 г. Новоузенска»").count() == 0

    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/organizations/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_russian_message(page, demo):
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill("methodist")
    page.get_by_label("Пароль").fill("wrong")
    page.get_by_role("button", name="Войти").click()
    assert page.get_by_text("Пожалуйста, введите правильные имя пользователя и пароль").is_visible()
