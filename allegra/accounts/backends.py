"""The one authentication backend: Django's model backend with login throttling in front of it.

Every password login goes through it, the customer login page and the /admin/ login alike.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from allegra.accounts import throttling


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        email = throttling.normalize_email(username)
        # Checked before the password: a locked login never learns whether a guess was right.
        throttling.check(request, email)
        user = super().authenticate(request, username=email, password=password, **kwargs)
        if user is None:
            throttling.record_failure(request, email)
            # The failure that reaches the limit already says so, rather than "wrong password" once more.
            throttling.check(request, email)
            return None
        throttling.reset_account(email)
        return user
