"""`manage.py seed_demo`: the command `make run` calls on every start, and the demo logins it creates."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from allegra.catalog.demo import users
from allegra.catalog.models import Product, ProductImage, Variant

pytestmark = pytest.mark.django_db

DEMO_EMAILS = {demo.email for demo in users.DEMO_USERS}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--products", "4", "--seed", "3", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Argon2 is deliberately slow; these tests check who may log in, not how hashes are made.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def debug_on(settings, media_root):
    settings.DEBUG = True
    return settings


def test_seeds_then_does_nothing_the_second_time(debug_on):
    first = seed()
    assert "4" in first
    counts = (Product.objects.count(), Variant.objects.count(), ProductImage.objects.count())
    assert counts[0] == 4 and counts[1] >= 4 and counts[2] >= 4
    second = seed()
    assert second != first
    assert (Product.objects.count(), Variant.objects.count(), ProductImage.objects.count()) == counts
    assert get_user_model().objects.filter(email__in=DEMO_EMAILS).count() == 3


def test_demo_users_have_the_right_roles(debug_on):
    seed()
    User = get_user_model()
    customer = User.objects.get(email=users.CUSTOMER.email)
    staff = User.objects.get(email=users.STAFF.email)
    admin = User.objects.get(email=users.ADMIN.email)

    assert customer.screen_name == "Maria"
    assert not customer.is_staff and not customer.is_superuser
    assert customer.check_password("demo-customer-2026")

    assert staff.is_staff and not staff.is_superuser
    assert staff.check_password("demo-staff-2026")
    assert list(staff.groups.values_list("name", flat=True)) == ["Store manager"]
    for model in ("category", "collection", "product", "variant", "productimage"):
        for action in ("add", "change", "delete", "view"):
            assert staff.has_perm(f"catalog.{action}_{model}")
    # The store manager runs the catalogue, not the accounts.
    assert not staff.has_perm("accounts.view_user")
    assert not staff.user_permissions.exists()
    rights = staff.get_all_permissions()
    # The catalogue; the shop's analytics in aggregate (U5): daily figures and the anonymous search log; the
    # orders (read, state changes through the services), the review of orders held by fraud screening, payments
    # and their refunds.
    beyond_the_catalogue = {
        "analytics.view_dailyaggregate",
        "analytics.view_searchrecord",
        "orders.change_order",
        "fraud.view_fraudassessment",
        "fraud.change_fraudassessment",
        "payments.view_payment",
        "payments.view_refund",
        "payments.change_payment",
    }
    assert beyond_the_catalogue <= rights
    rights -= beyond_the_catalogue
    rights -= {right for right in rights if right.startswith("orders.view_")}
    assert rights and all(right.startswith("catalog.") for right in rights)
    expected = {
        f"catalog.{codename}"
        for codename in Permission.objects.filter(content_type__app_label="catalog").values_list("codename", flat=True)
        if codename.split("_", 1)[0] in ("add", "change", "delete", "view")
    }
    assert rights == expected

    assert admin.is_staff and admin.is_superuser
    assert admin.check_password("demo-admin-2026")


def test_the_staff_login_opens_the_admin_after_two_factor_setup_and_the_customer_login_does_not(debug_on, client):
    seed()
    assert client.login(email=users.STAFF.email, password=users.STAFF.password)
    # The password alone does not open the back office: the first visit leads to setting up an authenticator.
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/two-factor/setup/")
    assert client.get("/admin/catalog/product/").status_code == 302

    staff = get_user_model().objects.get(email=users.STAFF.email)
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/admin/two-factor/setup/", {"code": code}).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/catalog/product/").status_code == 200
    client.logout()

    assert client.login(email=users.CUSTOMER.email, password=users.CUSTOMER.password)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.filter(user__email=users.CUSTOMER.email).exists()


def test_existing_demo_users_are_kept_as_they_are(debug_on):
    seed()
    staff = get_user_model().objects.get(email=users.STAFF.email)
    staff.set_password("changed-by-the-manager-2026")
    staff.save()
    output = seed()
    staff.refresh_from_db()
    assert staff.check_password("changed-by-the-manager-2026")
    assert get_user_model().objects.filter(email__in=DEMO_EMAILS).count() == 3
    assert "0" in output


def test_no_demo_users_without_debug(settings, media_root):
    settings.DEBUG = False
    output = seed()
    assert Product.objects.count() == 4
    assert not get_user_model().objects.filter(email__in=DEMO_EMAILS).exists()
    assert "--with-demo-users" in output


def test_demo_users_on_request_without_debug(settings, media_root):
    settings.DEBUG = False
    seed("--with-demo-users")
    assert get_user_model().objects.filter(email__in=DEMO_EMAILS).count() == 3


@pytest.mark.parametrize("value", ["0", "-3", "many", "999999999"])
def test_a_bad_product_count_is_refused_with_a_message(value, media_root):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--products", value, stdout=StringIO())
    assert not Product.objects.exists()


def test_a_bad_product_count_given_from_code_is_refused(media_root):
    with pytest.raises(CommandError):
        call_command("seed_demo", products=0, stdout=StringIO())
