"""Authentication routes under /<lang>/account/ (namespace `accounts`). Tokens are opaque (see services)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from allegra.accounts.views import auth as views

urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("sign-up/sent/", views.sign_up_done, name="sign_up_done"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<str:token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/", login_required(views.PasswordChangeView.as_view()), name="password_change"),
    path("email/", views.email_change, name="email_change"),
    path("email/confirm/<str:token>/", views.email_change_confirm, name="email_change_confirm"),
    path("delete/", views.delete_account, name="delete"),
]
