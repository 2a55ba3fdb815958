"""Validation of evidence files: the kind is recognised by the content (magic bytes, and the
members of a ZIP container for OOXML/ODF), never by the name the person gave the file."""

import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404

from config.lib.untrusted import DEFAULT, FileRefused, GuardedZip
from config.lib.untrusted.limits import mb

# kind → (extension, content type, label for messages)
KINDS = {
    "pdf": ("pdf", "application/pdf", "PDF"),
    "doc": ("doc", "application/msword", "DOC"),
    "xls": ("xls", "application/vnd.ms-excel", "XLS"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "odt": ("odt", "application/vnd.oasis.opendocument.text", "ODT"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS"),
    "jpg": ("jpg", "image/jpeg", "JPG"),
    "png": ("png", "image/png", "PNG"),
    "zip": ("zip", "application/zip", "ZIP"),
}
ALLOWED_LABEL = "PDF, DOC/DOCX, XLS/XLSX, ODT/ODS, JPG/PNG, ZIP"
#: Other extensions a name of a kind may end with (the kind's own one is first in KINDS).
OTHER_EXTENSIONS = {"jpg": ("jpeg", "jpe"), "doc": ("dot",), "xls": ("xlt",)}
KIND_BY_CONTENT_TYPE = {content_type: kind for kind, (_, content_type, _) in KINDS.items()}
# What a desktop or a browser takes for an extension: a dot, a letter, up to seven more letters
# or digits («.html», «.pdf»; «v1.2» has none).
_EXTENSION_RE = re.compile(r"\.([A-Za-z][A-Za-z0-9]{0,7})$")

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n"
# Characters that make a name a path (or that Windows refuses in names): such a name is refused,
# so that nobody believes a file went «../../somewhere».
PATH_CHARACTERS = re.compile(r"[/\\:*?\"<>|\x00-\x1f\x7f]")


@dataclass(frozen=True)
class UploadInfo:
    kind: str
    extension: str
    content_type: str
    original_name: str
    size: int

    def storage_name(self) -> str:
        """A name nobody chose: the original one is kept in the database for downloads."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def upload_max_bytes() -> int:
    return settings.UPLOAD_MAX_MB * 1024 * 1024


def clean_original_name(name: str) -> str:
    """The name shown and given back on download: normalised, without invisible characters."""
    name = unicodedata.normalize("NFC", name or "").strip()
    return "".join(char for char in name if char.isprintable())[:255]


def name_for_kind(name: str, kind: str) -> str:
    """The name a file of ``kind`` is kept and given back under: printable characters only, and an
    extension of its kind whatever the name said, since a desktop opens a saved file by its
    extension. «x\\0.pdf.html» whose content is a PDF arrives as «x.pdf.html» (Django drops the NUL)
    and becomes «x.pdf»; «протокол» becomes «протокол.pdf»; «фото.JPEG» stays as it is."""
    name = clean_original_name(name)
    allowed = (KINDS[kind][0], *OTHER_EXTENSIONS.get(kind, ()))
    match = _EXTENSION_RE.search(name)
    if match and match.group(1).lower() in allowed:
        return name
    if match:
        name = name[: match.start()]  # a wrong extension («.html», «.exe») is dropped, not kept inside
        match = _EXTENSION_RE.search(name)
        if match and match.group(1).lower() in allowed:
            return name
    extension = f".{KINDS[kind][0]}"
    stem = name.rstrip(". ")[: 255 - len(extension)] or "файл"
    return stem + extension


def _check_name(name: str) -> str:
    if not name or not name.strip():
        raise ValidationError("У файла нет имени: сохраните его под понятным именем и загрузите снова")
    if PATH_CHARACTERS.search(name) or name.strip().startswith("."):
        raise ValidationError(
            f"Имя файла «{clean_original_name(name)}» содержит путь или недопустимые символы "
            '(/ \\ : * ? " < > | или «..»): сохраните файл под простым именем и загрузите снова'
        )
    return clean_original_name(name)


def _zip_kind(upload) -> str:
    """What a ZIP container is, through the guarded opener: a bomb is refused by its directory,
    and only the head of `mimetype` is ever decompressed."""
    upload.seek(0)
    try:
        with GuardedZip(upload, filename=clean_original_name(getattr(upload, "name", "")), limits=DEFAULT) as archive:
            names = archive.names()
            if "mimetype" in names:
                mimetype = archive.head("mimetype", 100).decode("ascii", "replace").strip()
                if mimetype == KINDS["odt"][1]:
                    return "odt"
                if mimetype == KINDS["ods"][1]:
                    return "ods"
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return "docx"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
            return "zip"
    except FileRefused as error:
        raise ValidationError(str(error)) from error
    finally:
        upload.seek(0)


def detect_kind(upload, name: str = "") -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(PNG):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(OLE2):
        # Legacy Word and Excel share one container; the name only tells which of the two it is.
        return "xls" if name.lower().endswith((".xls", ".xlt")) else "doc"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(upload)
    return None


def stored_file_response(stored, *, name: str, content_type: str, view: bool):
    """The one way a kept upload (evidence, a report's document) is given back, after the caller
    checked access: under the kind's own name and type, inline only for PDF and images when asked
    (`view`), never sniffed, never able to run script."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404("Файл не найден в хранилище") from error
    kind = KIND_BY_CONTENT_TYPE.get(content_type)
    response = FileResponse(
        handle,
        as_attachment=not (view and kind in ("pdf", "png", "jpg")),
        filename=name_for_kind(name, kind) if kind else clean_original_name(name),
        content_type=content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def validate_upload(upload) -> UploadInfo:
    """Check one uploaded file and describe it, or raise ValidationError with a Russian message.

    Nothing is written anywhere here: the caller stores the file only after this passes."""
    raw_name = getattr(upload, "name", "") or ""
    name = _check_name(raw_name)
    size = upload.size or 0
    if size == 0:
        raise ValidationError(f"Файл «{name}» пустой (0 байт): выберите файл с содержимым")
    if size > upload_max_bytes():
        raise ValidationError(
            f"Файл «{name}» слишком большой: {mb(size)} МБ, а можно не больше {settings.UPLOAD_MAX_MB} МБ"
        )
    kind = detect_kind(upload, name)
    if kind is None:
        raise ValidationError(
            f"Файл «{name}» не принят: по содержимому это не документ разрешённого вида "
            f"({ALLOWED_LABEL}). Расширение в имени файла не учитывается"
        )
    extension, content_type, _label = KINDS[kind]
    return UploadInfo(
        kind=kind, extension=extension, content_type=content_type, original_name=name_for_kind(name, kind), size=size
    )
