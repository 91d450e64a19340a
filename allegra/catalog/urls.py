from django.urls import path

from allegra.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
]
