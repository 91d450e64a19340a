"""Account emails, rendered from templates in the recipient's language.

Each email is three templates under `templates/emails/`: `<name>.subject.txt`, `<name>.txt` (plain text)
and `<name>.html`. The HTML part is an alternative to the text part, so every client can show one of them.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def render_templated_email(*, template: str, context: dict, language: str) -> tuple[str, str, str]:
    """Returns (subject, text, html) rendered in `language`."""
    context = {"SHOP_NAME": settings.SHOP_NAME, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # A header cannot hold a line break: the subject is its template's text on one line.
    subject = " ".join(subject.split())
    return subject, text, html


def send_templated_email(*, to: str | Iterable[str], template: str, context: dict, language: str) -> bool:
    """Sends one email; True when the mail server took it.

    A mail server that is down or refuses the message must not turn the shopper's request into an error
    page: the failure is logged (template and error type, never the address) and the caller's flow goes on,
    so the shopper can ask again (a new link, a new reset).
    """
    recipients = [to] if isinstance(to, str) else list(to)
    subject, text, html = render_templated_email(template=template, context=context, language=language)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients)
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        logger.error("email not sent", extra={"template": template, "error": type(error).__name__})
        return False
    return True
