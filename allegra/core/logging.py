"""Logging helpers: logs must never carry personal data (U3)."""

import logging
import re

# Patterns that look like personal data. Log calls should not pass such values in the first place;
# this filter is the safety net for third-party messages.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")
_IPV4 = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b")


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _CARD.sub("[number]", text)
    return _IPV4.sub(r"\1.\2.\3.0", text)


class PersonalDataFilter(logging.Filter):
    """Redacts emails, long digit runs (card numbers, telephones) and the last octet of IPv4 addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
