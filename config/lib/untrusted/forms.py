"""A form field for uploads that the guarded opener will read: the size is checked by the form,
before any view calls `.read()` on the upload."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from config.lib.untrusted.limits import mb


class UntrustedFileField(forms.FileField):
    def __init__(self, *, max_bytes: int, **kwargs):
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > self.max_bytes:
            raise ValidationError(
                f"Файл «{upload.name}» слишком большой: {mb(upload.size)} МБ (допускается не более "
                f"{mb(self.max_bytes)} МБ)"
            )
        if upload and not upload.size:
            raise ValidationError(f"Файл «{upload.name}» пуст")
        return upload
