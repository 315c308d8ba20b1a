from django.urls import path

from sustainability import views

app_name = "sustainability"

urlpatterns = [
    path("suivis-durabilite/", views.check_list, name="check-list"),
    path("suivis-durabilite/<int:pk>/", views.check_detail, name="check-detail"),
    path("pratiques/", views.practice_list, name="practice-list"),
    path("pratiques/<int:pk>/", views.practice_detail, name="practice-detail"),
    path("pratiques/<int:pk>/publier/", views.practice_publish, name="practice-publish"),
    path("projets/<int:pk>/pratique/", views.practice_edit, name="practice-edit"),
]
