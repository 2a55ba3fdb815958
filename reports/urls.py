from django.urls import path

from reports import views
from reports.publication import views as publication_views
from reports.spravka import views as spravka_views

app_name = "reports"
urlpatterns = [
    path("zoning/<int:pk>/pdf/", views.zoning_pdf, name="zoning_pdf"),
    path("zoning/<int:pk>/order/", views.zoning_order, name="zoning_order"),
    path("zoning/<int:pk>/effectiveness/", views.effectiveness_pdf, name="effectiveness_pdf"),
    path("recommendations/<int:pk>/pdf/", views.recommendation_pdf, name="recommendation_pdf"),
    path("", views.index, name="index"),
    path("roadmap/<int:pk>/", views.roadmap_print, name="roadmap"),
    path("roadmap/<int:pk>/pdf/", views.roadmap_pdf, name="roadmap_pdf"),
    path("roadmap/<int:pk>/xlsx/", views.roadmap_xlsx, name="roadmap_xlsx"),
    path("roadmap/<int:pk>/docx/", views.roadmap_docx, name="roadmap_docx"),
    path("roadmap/<int:pk>/import/", views.roadmap_import, name="roadmap_import"),
    path("roadmap/<int:pk>/execution/", views.roadmap_execution, name="roadmap_execution"),
    path("roadmaps/import/", views.roadmap_import_new, name="roadmap_import_new"),
    path("roadmaps/import/confirm/", views.roadmap_import_confirm, name="roadmap_import_confirm"),
    path("roadmap/<int:pk>/import-word/", views.roadmap_import_word, name="roadmap_import_word"),
    path("roadmaps/import-word/", views.roadmap_import_word_new, name="roadmap_import_word_new"),
    path("roadmaps/import-word/preview/", views.roadmap_import_word_preview, name="roadmap_import_word_preview"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("orders/", views.order_list, name="orders"),
    path("publications/", publication_views.publication_list, name="publications"),
    path("publications/file/<int:pk>/", publication_views.publish_file, name="publish_file"),
    path("publications/zoning/<int:pk>/", publication_views.publish_zoning, name="publish_zoning"),
    path("publications/indicators/", publication_views.publish_indicators, name="publish_indicators"),
    path("publications/<int:pk>/withdraw/", publication_views.withdraw, name="withdraw"),
    path("spravki/", spravka_views.spravka_list, name="spravki"),
    path("spravki/new/", spravka_views.spravka_new, name="spravka_new"),
    path("spravki/<int:pk>/", spravka_views.spravka_detail, name="spravka"),
    path("spravki/<int:pk>/conclusions/", spravka_views.spravka_conclusions, name="spravka_conclusions"),
    path("spravki/<int:pk>/regenerate/", spravka_views.spravka_regenerate, name="spravka_regenerate"),
    path("spravki/<int:pk>/approve/", spravka_views.spravka_approve, name="spravka_approve"),
    path("spravki/<int:pk>/pdf/", spravka_views.spravka_pdf, name="spravka_pdf"),
    path("spravki/<int:pk>/docx/", spravka_views.spravka_docx, name="spravka_docx"),
    path("spravki/<int:pk>/publish/", spravka_views.spravka_publish, name="spravka_publish"),
    path("orders/new/", views.order_create, name="order_create"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/edit/", views.order_edit, name="order_edit"),
    path("orders/<int:pk>/pdf/", views.order_pdf, name="order_pdf"),
    path("orders/<int:pk>/docx/", views.order_docx, name="order_docx"),
    path("orders/<int:pk>/sign/", views.order_sign_view, name="order_sign"),
]
