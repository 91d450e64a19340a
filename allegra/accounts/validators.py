"""Password and screen-name checks of the shop.

`data/common-passwords.txt` is the project's own list: Django's list of 20,000 leaked passwords (lower-cased,
de-duplicated) with Greek and shop-specific favourites ahead of it (kalimera, sagapo, allegra2026...).
"""

import re
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's check against common passwords, reading the list the project ships."""

    DEFAULT_PASSWORD_LIST_PATH = COMMON_PASSWORDS

    def __init__(self, password_list_path=COMMON_PASSWORDS):
        super().__init__(password_list_path=password_list_path)

    def validate(self, password, user=None):
        super().validate(password, user)
        # A listed word with a year or number tacked on ("kalimera2024", "sagapo123!") is as guessable:
        # it is the first thing cracking tools try.
        stem = TRAILING_DIGITS.sub("", password.lower().strip())
        if len(stem) >= 4 and stem != password.lower().strip() and stem in self.passwords:
            raise ValidationError(self.get_error_message(), code="password_too_common")


TRAILING_DIGITS = re.compile(r"[\d\W_]+$")

# Letters of any script (Greek, accented Latin...), digits, spaces and a few joiners; no control characters,
# no markup. The first character must be a letter or digit.
SCREEN_NAME = re.compile(r"^[^\W_][\w .'\-]*$")


def validate_screen_name(value: str) -> None:
    if not SCREEN_NAME.fullmatch(value) or "  " in value:
        raise ValidationError(
            _("Use letters, digits, spaces, dots, hyphens or apostrophes, starting with a letter or digit."),
            code="invalid_screen_name",
        )
