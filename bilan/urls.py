from django.urls import path

from bilan import views, views_open_data, views_region

app_name = "bilan"

urlpatterns = [
    path("bilan/", views.bilan, name="bilan"),
    path("bilan/produire/", views.produce, name="produce"),
    path("bilan/csv/<slug:table>/", views.bilan_csv, name="bilan-csv"),
    path("bilan/xlsx/", views.bilan_xlsx, name="bilan-xlsx"),
    path("bilan/pdf/", views.bilan_pdf, name="bilan-pdf"),
    path("bilan/docx/", views.bilan_docx, name="bilan-docx"),
    path("bilan/budget-par-ligne/", views.budget_lines, name="budget-lines"),
    path("bilan/budget-par-ligne.xlsx", views.budget_lines_xlsx, name="budget-lines-xlsx"),
    path("bilan/importer/", views.progress_import, name="progress-import"),
    path("bilan/importer/appliquer/", views.progress_import_apply, name="progress-import-apply"),
    path("donnees-ouvertes/", views.open_data, name="open-data"),
    path("donnees-ouvertes/projets.csv", views.open_data_csv, name="open-data-csv"),
    path("donnees-ouvertes/projets.json", views.open_data_json, name="open-data-json"),
    path("donnees-ouvertes/pratiques.csv", views.open_data_practices_csv, name="open-data-practices-csv"),
    path("donnees-ouvertes/pratiques.json", views.open_data_practices_json, name="open-data-practices-json"),
    path("donnees-ouvertes/subventions-360giving.json", views.open_data_grants_json, name="open-data-grants-json"),
    path("donnees-ouvertes/subventions-360giving.xlsx", views.open_data_grants_xlsx, name="open-data-grants-xlsx"),
    # Issue 22, part 2: the shared indicators as open data, and the catalogue of the open data (DCAT, JSON-LD)
    path(
        "donnees-ouvertes/indicateurs.csv",
        views_open_data.open_data_indicators_csv,
        name="open-data-indicators-csv",
    ),
    path(
        "donnees-ouvertes/indicateurs.json",
        views_open_data.open_data_indicators_json,
        name="open-data-indicators-json",
    ),
    path("donnees-ouvertes/catalogue.jsonld", views_open_data.open_data_catalogue, name="open-data-catalogue"),
    # The region's pages belong to no alliance (alliances.addresses.REGION): served at /region/... only
    path("region/comparaison/", views_region.comparison, name="comparison"),
    path("region/comparaison.xlsx", views_region.comparison_xlsx, name="comparison-xlsx"),
    path("region/donnees-ouvertes/projets.csv", views_region.region_open_data_csv, name="region-open-data-csv"),
    path("region/donnees-ouvertes/projets.json", views_region.region_open_data_json, name="region-open-data-json"),
    path(
        "region/donnees-ouvertes/pratiques.csv",
        views_region.region_open_data_practices_csv,
        name="region-open-data-practices-csv",
    ),
    path(
        "region/donnees-ouvertes/pratiques.json",
        views_region.region_open_data_practices_json,
        name="region-open-data-practices-json",
    ),
    path(
        "region/donnees-ouvertes/subventions-360giving.json",
        views_region.region_open_data_grants_json,
        name="region-open-data-grants-json",
    ),
    path(
        "region/donnees-ouvertes/subventions-360giving.xlsx",
        views_region.region_open_data_grants_xlsx,
        name="region-open-data-grants-xlsx",
    ),
    # Issue 22, part 2: the region's shared indicators and its catalogue (DCAT, JSON-LD)
    path(
        "region/donnees-ouvertes/indicateurs.csv",
        views_open_data.region_open_data_indicators_csv,
        name="region-open-data-indicators-csv",
    ),
    path(
        "region/donnees-ouvertes/indicateurs.json",
        views_open_data.region_open_data_indicators_json,
        name="region-open-data-indicators-json",
    ),
    path(
        "region/donnees-ouvertes/catalogue.jsonld",
        views_open_data.region_open_data_catalogue,
        name="region-open-data-catalogue",
    ),
]
