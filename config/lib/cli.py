"""What the management commands share so that bad input ends in a Russian message, never a
traceback: options checked by argparse before anything runs (Django turns their errors into a
CommandError, or «error: …» and exit code 2 on the command line), and files read and written
with the reason named when the operating system refuses."""

from __future__ import annotations

import argparse
import errno
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import CommandError
from django.db import models

from config.lib.numbers import Range, field_range, parse_number, refusal

__all__ = ["id_option", "number_option", "read_input", "text_option", "write_output"]


def number_option(label: str, allowed: Range) -> Callable[[str], int]:
    """An argparse ``type``: a whole number within ``allowed`` («--year 10^30» is refused)."""

    def parse(text: str) -> int:
        number = parse_number(text)
        reason = refusal(label, text, number, allowed)
        if reason:
            raise argparse.ArgumentTypeError(reason)
        return int(number)

    return parse


def id_option(model: type[models.Model], label: str) -> Callable[[str], int]:
    """An argparse ``type`` for the id of a ``model`` row: a number its primary key column holds."""
    return number_option(label, field_range(model, model._meta.pk.name).within(low=1))


def text_option(model: type[models.Model], field: str, label: str) -> Callable[[str], str]:
    """An argparse ``type``: text stripped, no longer than the model field it is stored in."""
    limit = model._meta.get_field(field).max_length

    def parse(text: str) -> str:
        text = text.strip()
        if limit is not None and len(text) > limit:
            raise argparse.ArgumentTypeError(f"{label} длиннее {limit} символов ({len(text)})")
        return text

    return parse


_REASONS = {
    errno.ENOENT: "нет такого файла или папки",
    errno.EACCES: "нет прав доступа",
    errno.EPERM: "нет прав доступа",
    errno.EISDIR: "это папка, а не файл",
    errno.ENOTDIR: "часть пути — не папка",
    errno.ENOSPC: "на диске нет места",
    errno.EROFS: "файловая система только для чтения",
}


def _reason(error: OSError) -> str:
    return _REASONS.get(error.errno, error.strerror or str(error))


def read_input(path: str | Path) -> bytes:
    """The bytes of the file a command was given, or a CommandError naming it and why not."""
    path = Path(path)
    if not path.is_file():
        raise CommandError(f"Файл не найден: {path}")
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Не удалось прочитать файл «{path}»: {_reason(error)}") from error


def write_output(path: str | Path, data: bytes) -> None:
    """Write what a command produced to ``--out``, or stop with a CommandError naming the path."""
    path = Path(path)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise CommandError(f"Не удалось записать файл «{path}»: {_reason(error)}") from error
