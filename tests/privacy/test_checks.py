"""The system check fails on undeclared personal data and on declarations that name nothing."""

from dataclasses import replace

from django.apps import apps
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from allegra.accounts.models import User
from allegra.core.fields import EncryptedTextField
from allegra.privacy.checks import find_problems, subject_path_of
from allegra.privacy.registry import PersonalDataMap, personal_data_map


def _copy(data_map: PersonalDataMap) -> PersonalDataMap:
    return PersonalDataMap(
        models=dict(data_map.models),
        no_personal_data=dict(data_map.no_personal_data),
        processors=dict(data_map.processors),
    )


def _messages(problems) -> str:
    return "\n".join(problem.msg for problem in problems)


def test_the_shop_map_covers_every_installed_model():
    assert find_problems(personal_data_map, apps.get_models()) == []


def test_the_check_is_registered_and_passes():
    problems = [m for m in checks.run_checks(tags=["privacy"]) if m.id and m.id.startswith("privacy.")]
    assert problems == []


def test_a_personal_field_left_out_of_the_map_fails_the_check():
    data_map = _copy(personal_data_map)
    user = data_map.models["accounts.User"]
    data_map.models["accounts.User"] = replace(user, fields=tuple(f for f in user.fields if f.field != "email"))
    problems = find_problems(data_map, apps.get_models())
    assert [p.id for p in problems] == ["privacy.E001"]
    assert "accounts.User.email" in problems[0].msg


def test_a_linked_model_left_out_of_the_map_fails_the_check():
    data_map = _copy(personal_data_map)
    del data_map.models["otp_totp.TOTPDevice"]
    problems = find_problems(data_map, apps.get_models())
    assert [p.id for p in problems] == ["privacy.E001"]
    assert "otp_totp.TOTPDevice" in problems[0].msg and "through 'user'" in problems[0].msg


def test_declarations_naming_models_or_fields_that_no_longer_exist_fail_the_check():
    data_map = _copy(personal_data_map)
    user = data_map.models["accounts.User"]
    email = next(f for f in user.fields if f.field == "email")
    data_map.models["accounts.User"] = replace(
        user,
        technical_fields=(*user.technical_fields, "nickname_flag"),
        fields=(*user.fields, replace(email, field="old_email")),
    )
    data_map.declare("accounts.Ghost", subject_path="user")
    data_map.declare_no_personal_data("nowhere", reason="gone")
    problems = find_problems(data_map, apps.get_models())
    text = _messages(problems)
    assert {p.id for p in problems} == {"privacy.E002", "privacy.E003", "privacy.E004"}
    assert "accounts.User.old_email" in text and "accounts.User.nickname_flag" in text
    assert "accounts.Ghost" in text and "'nowhere'" in text


def test_a_subject_path_that_leads_nowhere_fails_the_check():
    data_map = _copy(personal_data_map)
    data_map.models["otp_static.StaticToken"] = replace(
        data_map.models["otp_static.StaticToken"], subject_path="device"
    )
    problems = find_problems(data_map, apps.get_models())
    assert [p.id for p in problems] == ["privacy.E006"]


def test_a_linked_model_declared_as_belonging_to_no_one_fails_the_check():
    data_map = _copy(personal_data_map)
    data_map.models["otp_static.StaticToken"] = replace(
        data_map.models["otp_static.StaticToken"], subject_path=None, technical_fields=("id", "device")
    )
    problems = find_problems(data_map, apps.get_models())
    assert [p.id for p in problems] == ["privacy.E007"]
    assert "'device__user'" in problems[0].msg


@isolate_apps("allegra.privacy")
def test_every_field_of_a_model_linked_to_a_person_must_be_declared_or_technical():
    class GiftNote(models.Model):
        owner = models.ForeignKey(User, on_delete=models.CASCADE)
        message = models.TextField()
        created_at = models.DateTimeField()

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return str(self.pk)

    class GiftNoteReply(models.Model):
        note = models.ForeignKey(GiftNote, on_delete=models.CASCADE)
        text = models.TextField()

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return str(self.pk)

    assert subject_path_of(GiftNoteReply) == "note__owner"
    data_map = PersonalDataMap()
    problems = find_problems(data_map, [GiftNote, GiftNoteReply])
    assert [p.id for p in problems] == ["privacy.E001", "privacy.E001"]

    note_email = replace(
        personal_data_map.models["accounts.User"].fields[0],
        model="",
        field="message",
        category="user.content.private",
    )
    data_map.declare("privacy.GiftNote", subject_path="owner", technical_fields=["id"], fields=[note_email])
    problems = find_problems(data_map, [GiftNote])
    assert [p.msg for p in problems] == [
        "privacy.GiftNote.created_at is neither declared as personal data nor listed as a technical field."
    ]


@isolate_apps("allegra.privacy")
def test_personal_data_kinds_must_be_declared_wherever_they_are():
    class Newsletter(models.Model):
        address = models.EmailField()
        signed_up_from = models.GenericIPAddressField()
        note = EncryptedTextField()
        topic = models.CharField(max_length=20)

        class Meta:
            app_label = "privacy"

        def __str__(self) -> str:
            return str(self.pk)

    data_map = PersonalDataMap()
    data_map.declare_no_personal_data("privacy.Newsletter", reason="mistaken")
    problems = find_problems(data_map, [Newsletter])
    text = _messages(problems)
    assert len(problems) == 3
    assert "Newsletter.address (EmailField)" in text
    assert "Newsletter.signed_up_from (GenericIPAddressField)" in text
    assert "Newsletter.note (EncryptedTextField)" in text
    assert "says it holds none" in text
    assert "topic" not in text
