import re
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_pages_carry_csp_without_inline_scripts_and_framing_protection(client_for, methodist):
    response = client_for(methodist).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


INLINE = re.compile(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=|<style\b", re.IGNORECASE)


# Print templates are rendered to PDF by WeasyPrint, never served to a browser: they carry
# their stylesheet inline.
PRINT_TEMPLATES = ROOT / "templates" / "reports" / "print"


def test_templates_contain_no_inline_scripts_or_styles():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        if PRINT_TEMPLATES not in path.parents
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE.search(line)
    ]
    assert not offenders, f"Встроенные скрипты, стили и обработчики запрещены CSP: {offenders}"


def test_production_configuration_is_secure():
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DEBUG": "false",
        "SECRET_KEY": "p" * 60,
        "ALLOWED_HOSTS": "muko.example",
        "PSEUDONYM_KEY": "k",
        "DATABASE_URL": "postgres://muko@127.0.0.1:5432/muko",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[true, true, true, 31536000, true]"
