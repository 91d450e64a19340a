from django.urls import path

from allegra.privacy import views

app_name = "privacy"

urlpatterns = [
    path("what-we-collect/", views.what_we_collect, name="what-we-collect"),
]
