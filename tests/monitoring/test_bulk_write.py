"""The bulk writer: COPY text escaping, and (on PostgreSQL) COPY end to end with awkward text."""

import pytest
from django.db import connection

from monitoring.models import StudentResult
from monitoring.services import _tsv_column


def test_tsv_columns_escape_only_what_copy_needs():
    assert _tsv_column([1, None, 30]) == ["1", "\\N", "30"]
    assert _tsv_column([True, False]) == ["t", "f"]
    assert _tsv_column([None, None]) == ["\\N", "\\N"]
    assert _tsv_column(["5А", "", "a\tb", "c\nd", "e\\f", "g\rh"]) == ["5А", "", "a\\tb", "c\\nd", "e\\\\f", "g\\rh"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is used on PostgreSQL only")
def test_copy_keeps_awkward_text_and_leading_zeros(csv_file, run_import, school_a):
    rows = [
        ["Код ОО", "Класс", "Код участника", "Отметка"],
        [school_a.code, "5а", "00\\7", "4"],
        [school_a.code, "5а", "0008", "5"],
    ]
    result_import, outcome = run_import(csv_file(rows, encoding="utf-8"), "v.csv", kind="vpr", subject="Математика")
    assert outcome.imported == 2, result_import.problems
    assert sorted(StudentResult.objects.values_list("participant_code", flat=True)) == ["0008", "00\\7"]
