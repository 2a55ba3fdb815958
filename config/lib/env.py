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


S3_BACKEND = "storages.backends.s3.S3Storage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"


def env_storage(*, url_expire_seconds: int = 300, environ: Mapping[str, str] | None = None) -> dict:
    """Where kept files live: STORAGES["default"].

    Local disk (MEDIA_ROOT) without any of the variables below. An S3-compatible object store
    (MinIO, Yandex Object Storage, VK Cloud, AWS) with either

    - STORAGE_URL = `s3://ACCESS_KEY:SECRET_KEY@host:port/bucket?region=ru-central1&secure=true`
      (`secure=false` for plain http inside one network, as MinIO in docker-compose), or
    - AWS_STORAGE_BUCKET_NAME with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and optionally
      AWS_S3_ENDPOINT_URL (not AWS itself) and AWS_S3_REGION_NAME.
    """
    from urllib.parse import parse_qs, unquote, urlsplit

    raw = env_str("STORAGE_URL", environ=environ)
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", environ=environ)
    if raw and bucket:
        raise EnvError("Заданы и STORAGE_URL, и AWS_STORAGE_BUCKET_NAME: хранилище файлов указывается одним способом")
    if not raw and not bucket:
        return {"BACKEND": FILESYSTEM_BACKEND}
    if raw:
        example = "s3://ключ:секрет@сервер:9000/корзина?region=ru-central1&secure=false"
        parts = urlsplit(raw)
        if parts.scheme != "s3":
            raise EnvError(f"Переменная окружения STORAGE_URL: ожидается адрес вида {example}")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = sorted(set(query) - {"region", "secure"})
        if unknown:
            raise EnvError(
                f"Переменная окружения STORAGE_URL: неизвестные параметры {', '.join(unknown)} (бывают region и secure)"
            )
        bucket = parts.path.strip("/")
        try:
            port = parts.port
        except ValueError:
            raise EnvError(f"Переменная окружения STORAGE_URL: порт не число; ожидается адрес вида {example}") from None
        if not parts.hostname or not bucket or "/" in bucket or not parts.username or not parts.password:
            raise EnvError(
                "Переменная окружения STORAGE_URL: нужны ключ, секрет, сервер и корзина; "
                f"ожидается адрес вида {example}"
            )
        secure_word = query.get("secure", "true").lower()
        if secure_word not in TRUE_WORDS | FALSE_WORDS:
            raise EnvError(f"Переменная окружения STORAGE_URL: secure={secure_word!r}, ожидается true или false")
        secure = secure_word in TRUE_WORDS
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        endpoint = f"{'https' if secure else 'http'}://{host}" + (f":{port}" if port else "")
        access_key, secret_key = unquote(parts.username), unquote(parts.password)
        region = query.get("region", "")
    else:
        access_key = env_str("AWS_ACCESS_KEY_ID", environ=environ)
        secret_key = env_str("AWS_SECRET_ACCESS_KEY", environ=environ)
        endpoint = env_str("AWS_S3_ENDPOINT_URL", environ=environ)
        region = env_str("AWS_S3_REGION_NAME", environ=environ)
        if not access_key or not secret_key:
            raise EnvError(
                "Задан AWS_STORAGE_BUCKET_NAME, но не заданы AWS_ACCESS_KEY_ID и AWS_SECRET_ACCESS_KEY: "
                "укажите ключи доступа к хранилищу"
            )
        if endpoint and not endpoint.startswith(("http://", "https://")):
            raise EnvError(
                f"Переменная окружения AWS_S3_ENDPOINT_URL={endpoint!r}: ожидается адрес вида https://storage.example.ru"
            )
    options = {
        "bucket_name": bucket,
        "access_key": access_key,
        "secret_key": secret_key,
        "endpoint_url": endpoint or None,
        "region_name": region or None,
        "signature_version": "s3v4",
        # S3-compatible servers are addressed by path (server/bucket/key): a bucket as a host name
        # needs DNS for every bucket, which MinIO on a private network has not.
        "addressing_style": "path" if endpoint else None,
        # Objects are private: no ACL of their own, the bucket's (private) policy applies. Files are
        # given to people only through views that check access (roadmaps.uploads); a signed URL
        # exists only for administrators' links in the admin site, and lives this long.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": url_expire_seconds,
        # Two uploads of one name never replace each other, as on disk.
        "file_overwrite": False,
        # A file read back (a download, an import) is kept in memory up to 10 MB, on disk beyond.
        "max_memory_size": 10 * 1024 * 1024,
    }
    return {"BACKEND": S3_BACKEND, "OPTIONS": options}
