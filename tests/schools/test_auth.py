from django.core import mail
from django.urls import reverse

from tests.conftest import PASSWORD


def test_login_page_is_russian(client):
    page = client.get(reverse("login")).content.decode()
    assert "Вход в систему" in page and "Пароль" in page


def test_wrong_password_gets_the_usual_russian_message(client, methodist):
    response = client.post(reverse("login"), {"username": "methodist", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in page
    assert "Traceback" not in page


def test_login_and_logout(client, methodist):
    response = client.post(reverse("login"), {"username": "methodist", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change(client_for, methodist):
    client = client_for(methodist)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Nov-parol-2026", "new_password2": "Nov-parol-2026"},
    )
    assert response.status_code == 302
    methodist.refresh_from_db()
    assert methodist.check_password("Nov-parol-2026")


def test_password_reset_sends_russian_mail(client, methodist):
    methodist.email = "m@example.com"
    methodist.save()
    response = client.post(reverse("password_reset"), {"email": "m@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Смена пароля" in mail.outbox[0].subject
    assert "/accounts/reset/" in mail.outbox[0].body


def test_unknown_page_is_russian_404(client_for, methodist):
    response = client_for(methodist).get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_forbidden_gets_russian_403_page(rf, methodist):
    from django.core.exceptions import PermissionDenied
    from django.views import defaults

    request = rf.get("/")
    request.user = methodist
    response = defaults.permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


def test_server_error_page_is_russian(rf):
    from django.views import defaults

    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Внутренняя ошибка сервера" in response.content.decode()
