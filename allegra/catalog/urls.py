from django.urls import path

from allegra.catalog import views

app_name = "catalog"

# Slugs are the same in both languages, so the language switcher only changes the /el/ or /en/ prefix.
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("collections/<slug:slug>/", views.collection, name="collection"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("search/", views.search, name="search"),
]
