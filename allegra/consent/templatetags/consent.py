"""`{% consent_banner %}`: the cookie banner of templates/base.html (K1)."""

from django import template

from allegra.consent import notices

register = template.Library()


@register.inclusion_tag("consent/banner.html", takes_context=True)
def consent_banner(context) -> dict:
    """The banner for this request. base.html shows it only while `request.consent.show_banner`.

    Django copies `csrf_token` into an inclusion tag's context, so the page cache's per-response token
    reaches the banner's forms too.
    """
    request = context["request"]
    consent = request.consent
    # Back to this very page after a choice without JavaScript (the page cache keys by the full path too).
    return {
        **notices.layer_context(consent=consent, gpc=notices.gpc_applies(consent), next_url=request.get_full_path()),
        "ticked": (),
    }
