from django import forms
from django.conf import settings

from config.lib.years import current_academic_year
from monitoring.models import ResultImport
from schools.models import Municipality

KIND_CHOICES = [("vpr", "ВПР"), ("oge", "ОГЭ"), ("ege", "ЕГЭ"), ("kdr", "КДР"), ("niko", "НИКО")]
ALLOWED_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class ResultUploadForm(forms.Form):
    file = forms.FileField(label="Файл (.xlsx, .xls, .csv)")
    format = forms.ChoiceField(label="Что в файле", choices=ResultImport.Format.choices)
    kind = forms.ChoiceField(label="Процедура", choices=KIND_CHOICES)
    year = forms.IntegerField(
        label="Учебный год (год окончания)",
        min_value=2000,
        max_value=2100,
        help_text="2024 — это 2023/2024 учебный год",
    )
    subject = forms.CharField(
        label="Предмет",
        required=False,
        help_text="пусто — как в файле (заголовок «ВПР 2026 Математика 5 класс», строка «Предмет», блок "
        "«02 - Математика …», столбец «Предмет»); указанный здесь заменяет найденный",
    )
    grade = forms.IntegerField(
        label="Параллель",
        required=False,
        min_value=1,
        max_value=11,
        help_text="пусто — как в файле (заголовок, столбец «Класс»); указанная здесь заменяет найденную",
    )
    municipality = forms.ModelChoiceField(label="Муниципалитет", queryset=Municipality.objects.none())

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        self.fields["year"].initial = current_academic_year()
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()
            self.fields["municipality"].widget = forms.HiddenInput()
            self.fields["municipality"].required = False
            self._only_municipality = municipalities.first()

    def clean_municipality(self):
        return self.cleaned_data.get("municipality") or getattr(self, "_only_municipality", None)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_EXTENSIONS):
            raise forms.ValidationError(
                f"Файл «{upload.name}» не похож на книгу Excel или CSV: ожидается .xlsx, .xls или .csv"
            )
        if upload.size > settings.IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                f"Файл «{upload.name}» больше {settings.IMPORT_MAX_MB} МБ: разделите его на части"
            )
        return upload


class ConfirmForm(forms.Form):
    accept_partial = forms.BooleanField(label="Импортировать принятые строки, несмотря на отклонённые", required=False)
