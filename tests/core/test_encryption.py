"""allegra.core.encryption: AES-256-GCM values with key ids, the keyring from settings, blind indexes (R1)."""

import base64

import pytest
from django.core.checks.registry import registry
from django.core.exceptions import ImproperlyConfigured

from allegra.core import encryption
from allegra.core.checks import check_encryption_keys
from allegra.core.encryption import (
    DecryptionError,
    UnknownKeyError,
    blind_index,
    decrypt,
    encrypt,
    generate_key,
    key_id_of,
    needs_rotation,
    parse_keyring,
)

pytestmark = pytest.mark.policy("R1")

OLD = f"old:{generate_key()}"
NEW = f"new:{generate_key()}"


@pytest.fixture
def two_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    return settings


def flip(token: str, index: int) -> str:
    """The same value with one byte of nonce/ciphertext/tag changed."""
    prefix, payload = token.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[index] ^= 0x01
    return f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).rstrip(b'=').decode()}"


def test_round_trip_with_the_format_and_key_id():
    token = encrypt("+30 210 123 4567", context="accounts.profile.phone")

    assert token.startswith("v1:test1:")
    assert "210" not in token
    assert decrypt(token, context="accounts.profile.phone") == "+30 210 123 4567"


def test_unicode_round_trip():
    assert decrypt(encrypt("Θεσσαλονίκη ✨", context="c"), context="c") == "Θεσσαλονίκη ✨"


def test_equal_plaintexts_give_different_ciphertexts():
    tokens = {encrypt("same", context="c") for _ in range(20)}

    assert len(tokens) == 20


@pytest.mark.parametrize("index", [0, 11, 12, -1])  # nonce, first ciphertext byte, last tag byte
def test_tampering_is_detected(index):
    token = encrypt("Odos Ermou 12", context="c")

    with pytest.raises(DecryptionError, match="failed authentication"):
        decrypt(flip(token, index), context="c")


def test_truncated_or_malformed_values_are_refused():
    token = encrypt("x", context="c")
    for bad in (token[:20], "v1:test1:", "v1:test1:!!!not-base64!!!", "plain text", "v2:test1:AAAA"):
        with pytest.raises(DecryptionError):
            decrypt(bad, context="c")


def test_a_value_moved_to_another_column_is_refused():
    token = encrypt("1990-05-17", context="accounts.profile.birth_date")

    with pytest.raises(DecryptionError, match="another column"):
        decrypt(token, context="accounts.profile.hometown")


def test_unknown_key_id_is_refused(settings):
    token = encrypt("secret", context="c")
    settings.FIELD_ENCRYPTION_KEYS = NEW

    with pytest.raises(UnknownKeyError, match="test1"):
        decrypt(token, context="c")


def test_a_key_id_pointing_at_another_key_is_refused(settings):
    token = encrypt("secret", context="c")
    settings.FIELD_ENCRYPTION_KEYS = f"test1:{generate_key()}"

    with pytest.raises(DecryptionError):
        decrypt(token, context="c")


def test_rotation_keyring_newest_encrypts_older_still_decrypt(settings):
    settings.FIELD_ENCRYPTION_KEYS = OLD
    old_token = encrypt("kept", context="c")
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"

    new_token = encrypt("kept", context="c")

    assert key_id_of(old_token) == "old" and key_id_of(new_token) == "new"
    assert decrypt(old_token, context="c") == decrypt(new_token, context="c") == "kept"
    assert needs_rotation(old_token) and not needs_rotation(new_token)
    assert not needs_rotation(None) and not needs_rotation("")


A_KEY = base64.urlsafe_b64encode(bytes(range(32))).rstrip(b"=").decode()  # fixed: test ids must not vary


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "not set"),
        ("nokeyid", "keyid:key"),
        ("a b:" + A_KEY, "keyid:key"),
        ("k:c2hvcnQ", "32 random bytes"),
        ("k:" + "!" * 43, "base64url"),
        (f"k:{A_KEY},k:{A_KEY}", "twice"),
    ],
)
def test_bad_keyrings_are_explained(value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keyring(value)


def test_missing_key_raises_at_first_use_not_before(settings):
    settings.FIELD_ENCRYPTION_KEYS = ""

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS is not set"):
        encrypt("x", context="c")


def test_error_messages_never_contain_key_material():
    key = generate_key()
    with pytest.raises(ImproperlyConfigured) as error:
        parse_keyring(f"bad id:{key}")
    assert key not in str(error.value)


def test_blind_index_is_stable_normalised_and_purpose_bound():
    digest = blind_index("Maria@Allegra.example", purpose="accounts.email")

    assert len(digest) == 64 and int(digest, 16) >= 0
    assert blind_index("  maria@allegra.EXAMPLE ", purpose="accounts.email") == digest
    assert blind_index("maria@allegra.example", purpose="orders.email") != digest
    assert blind_index("other@allegra.example", purpose="accounts.email") != digest


def test_blind_index_depends_on_the_key(settings):
    before = blind_index("maria@allegra.example", purpose="accounts.email")
    settings.BLIND_INDEX_KEY = generate_key()

    assert blind_index("maria@allegra.example", purpose="accounts.email") != before


def test_blind_index_without_key_or_purpose(settings):
    with pytest.raises(ValueError, match="purpose"):
        blind_index("x", purpose="")
    settings.BLIND_INDEX_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="BLIND_INDEX_KEY is not set"):
        blind_index("x", purpose="p")


def check_ids(settings, *, debug: bool, testing: bool = False) -> set[str]:
    settings.DEBUG = debug
    settings.TESTING = testing
    return {message.id for message in check_encryption_keys()}


def test_the_check_is_registered():
    assert check_encryption_keys in registry.get_checks()


def test_system_check_reports_missing_keys_in_production(settings):
    settings.FIELD_ENCRYPTION_KEYS = ""
    settings.BLIND_INDEX_KEY = "k:short"

    assert "allegra.E001" in check_ids(settings, debug=False)
    assert "allegra.W001" in check_ids(settings, debug=True)
    assert not {"allegra.E001", "allegra.W001"} & check_ids(settings, debug=False, testing=True)


def test_system_check_reports_malformed_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = "k:tooshort"

    assert "allegra.E001" in check_ids(settings, debug=False)


def test_system_check_passes_with_valid_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"
    settings.BLIND_INDEX_KEY = generate_key()

    assert not {"allegra.E001", "allegra.W001"} & check_ids(settings, debug=False)


def test_keys_are_cached_and_reset_when_settings_change(settings):
    first = encryption.get_keyring()
    assert encryption.get_keyring() is first
    settings.FIELD_ENCRYPTION_KEYS = NEW
    assert encryption.get_keyring().current_id == "new"


@pytest.mark.django_db
def test_the_shop_without_customer_data_runs_without_keys(settings, client):
    settings.FIELD_ENCRYPTION_KEYS = ""
    settings.BLIND_INDEX_KEY = ""

    assert client.get("/healthz").status_code == 200
    assert client.get("/el/").status_code == 200
