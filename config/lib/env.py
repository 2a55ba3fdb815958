"""Strict readers of environment variables.

Every setting of the product comes from the environment through these helpers. A value that
cannot be understood stops start-up with a message naming the variable, never a silent default.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


class EnvError(Exception):
    """A malformed environment variable; the message names it."""


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name, default).strip()


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    raw = env_str(name, environ=environ)
    if not raw:
        return default
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(f"Переменная окружения {name}={raw!r}: ожидается true или false (также 1/0, yes/no, on/off)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    raw = env_str(name, environ=environ)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise EnvError(f"Переменная окружения {name}={raw!r}: ожидается целое число") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"Переменная окружения {name}={raw!r}: число должно быть не меньше {minimum}")
    return value


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    raw = env_str(name, environ=environ)
    if not raw:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default_sqlite: Path, *, environ: Mapping[str, str] | None = None) -> dict:
    """DATABASE_URL as `postgres://user:pass@host:5432/name` or `sqlite:////abs/path.db`."""
    raw = env_str(name, environ=environ)
    if not raw:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    scheme = raw.split("://", 1)[0].lower() if "://" in raw else ""
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise EnvError(
            f"Переменная окружения {name}={raw!r}: ожидается адрес вида "
            "postgres://пользователь:пароль@сервер:5432/база или sqlite:////путь/к/файлу.db"
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=600, conn_health_checks=True)
    except ValueError as error:
        raise EnvError(f"Переменная окружения {name}={raw!r}: {error}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise EnvError(f"Переменная окружения {name}={raw!r}: не указано имя базы данных")
    return config


def env_replica_database(name: str, primary: dict, *, environ: Mapping[str, str] | None = None) -> dict | None:
    """A read replica of the primary PostgreSQL (`postgres://…`), or None when `name` is unset."""
    if not env_str(name, environ=environ):
        return None
    config = env_database(name, Path("unused.sqlite3"), environ=environ)
    postgres = "django.db.backends.postgresql"
    if config["ENGINE"] != postgres or primary["ENGINE"] != postgres:
        raise EnvError(
            f"Переменная окружения {name}: реплика для чтения бывает только у PostgreSQL — "
            "и DATABASE_URL, и она должны быть адресами postgres://"
        )
    # The tests read the replica's copy of the primary's test database: a streaming replica
    # receives it with everything else, so nothing is created there (Django's test MIRROR).
    config["TEST"] = {"MIRROR": "default"}
    return config


def env_redis_url(name: str, *, environ: Mapping[str, str] | None = None) -> str:
    raw = env_str(name, environ=environ)
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise EnvError(f"Переменная окружения {name}={raw!r}: ожидается адрес вида redis://сервер:6379/0")
    return raw
