"""The deploy check for SITE_URL: emails sent outside a request need it for their links."""

from allegra.core.checks import check_site_url


def test_a_missing_site_url_is_a_deploy_warning(settings):
    settings.SITE_URL = ""
    assert [warning.id for warning in check_site_url()] == ["allegra.W002"]


def test_a_site_url_passes(settings):
    settings.SITE_URL = "https://allegra.example"
    assert check_site_url() == []
