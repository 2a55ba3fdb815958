"""A methodist loads a Word plan: preview, one column corrected, the draft created and printed."""

import re

from playwright.sync_api import expect

from roadmaps.models import Measure, Roadmap
from tests.browser.conftest import login
from tests.roadmaps import word_documents as docs

READY = re.compile("Скачать: |Открыть результат")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_methodist_uploads_a_word_plan_corrects_a_column_and_prints_the_draft(page, demo):
    login(page, "methodist")
    page.goto("/roadmaps/")
    page.get_by_role("link", name="Загрузить из Word").click()
    page.wait_for_url("**/reports/roadmaps/import-word/")
    page.get_by_label("Организация-владелец").select_option(index=1)
    page.get_by_label("Документ Word (.docx)").set_input_files(
        files=[{"name": "план.docx", "mimeType": DOCX, "buffer": docs.plan_002()}]
    )
    page.get_by_role("button", name="Проверить документ").click()
    expect(page.get_by_role("heading", name="Проверка документа Word")).to_be_visible()
    preview = page.locator("#word-preview")
    expect(preview).to_contain_text("1. Мероприятия с руководителями образовательных организаций")
    expect(preview).to_contain_text("Круглый стол по объективности")
    expect(preview.get_by_role("columnheader", name="Показатель")).to_be_visible()
    # «Показатель» was guessed; the methodist says the column is a note
    page.get_by_label(re.compile("«Показатель»")).select_option("note")
    page.get_by_role("button", name="Обновить предпросмотр").click()
    expect(preview.get_by_role("columnheader", name="Примечание")).to_be_visible()
    expect(page.get_by_label(re.compile("«Показатель»"))).to_have_value("note")
    assert not Roadmap.objects.filter(title__contains="по развитию в Сарове").exists()
    page.get_by_role("button", name="Создать черновик").click()
    page.wait_for_url(re.compile(r"/reports/roadmap/\d+/$"))
    expect(page.get_by_text("Загружено: разделов 2, мероприятий 5; создан новый черновик.")).to_be_visible()
    roadmap = Roadmap.objects.get(title__contains="по развитию в Сарове")
    assert Measure.objects.get(section__roadmap=roadmap, description="Совещание по итогам ВПР").note == "100 %"
    page.get_by_role("button", name="PDF", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name=READY).click()
    assert download.value.suggested_filename == f"roadmap-{roadmap.pk}.pdf"
