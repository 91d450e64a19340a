"""Account routes: sign-up, login and the rest of authentication (`urls_auth`), and the customer's own
pages: profile, addresses, My privacy (`urls_profile`)."""

from allegra.accounts import urls_auth, urls_profile

app_name = "accounts"

urlpatterns = [*urls_auth.urlpatterns, *urls_profile.urlpatterns]
