"""Forms of the analysis inside a school."""

from django import forms

from config.lib.untrusted.forms import UntrustedFileField
from monitoring.inschool.services import TASK_MAX_HIGH

TEACHER_FILE_BYTES = 2 * 1024 * 1024

DIFFICULTY_CHOICES = [("", "—"), ("Б", "Б — базовый"), ("П", "П — повышенный"), ("В", "В — высокий")]


class ClassTeachersForm(forms.Form):
    year = forms.IntegerField(label="Учебный год (год окончания)", min_value=2000, max_value=2100)
    text = forms.CharField(
        label="Список: класс; предмет; учитель — по одному в строке",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "5А; Математика; Иванова И. И."}),
    )
    file = UntrustedFileField(
        label="или файл .xlsx / .csv со столбцами «Класс», «Предмет», «Учитель»",
        required=False,
        max_bytes=TEACHER_FILE_BYTES,
    )


class AssessmentTasksForm(forms.Form):
    """One maximum and one difficulty per task of the work, and the work's maximum primary score."""

    max_primary_score = forms.IntegerField(
        label="Максимальный первичный балл", required=False, min_value=1, max_value=1000
    )

    def __init__(self, *args, tasks: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        for k, task in enumerate(tasks):
            self.fields[f"max_{k}"] = forms.IntegerField(
                label=f"Задание {task['label']}: максимум", required=False, min_value=1, max_value=TASK_MAX_HIGH,
                initial=task.get("max"),
            )  # fmt: skip
            self.fields[f"difficulty_{k}"] = forms.ChoiceField(
                label=f"Задание {task['label']}: уровень", required=False, choices=DIFFICULTY_CHOICES,
                initial=task.get("difficulty") or "",
            )  # fmt: skip

    def rows(self):
        return [(task, self[f"max_{k}"], self[f"difficulty_{k}"]) for k, task in enumerate(self.tasks)]
