"""The system check that keeps the personal-data map complete and true.

It fails (errors, so `manage.py check`, `migrate` and `runserver` stop) when
- a model linked to a person (the user model, or any model with a ForeignKey/OneToOne chain to it) has a field
  that is neither declared as personal data nor listed among the model's technical fields;
- a field of a personal-data kind (an email, an IP address, an encrypted field) is not declared, wherever it is;
- a declaration names a model or field that no longer exists, or a subject path that leads nowhere;
- a model that leads to a person is declared as belonging to no one (its rows would escape exports and erasure).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from allegra.privacy.registry import PersonalDataMap, personal_data_map

# How far a chain of ForeignKeys is followed to find the person a row belongs to.
MAX_LINK_DEPTH = 3


def is_personal_data_kind(model_field) -> bool:
    """Fields that hold personal data whatever model they sit on."""
    if isinstance(model_field, models.EmailField | models.GenericIPAddressField):
        return True
    # The encryption helper's fields (allegra.core.fields.Encrypted*) exist only for personal data.
    return any(cls.__name__.startswith("Encrypted") for cls in type(model_field).__mro__)


def _user_model():
    return apps.get_model(settings.AUTH_USER_MODEL)


def subject_path_of(model, *, depth: int = MAX_LINK_DEPTH) -> str | None:
    """The shortest lookup path from `model` to the user model through forward FK/OneToOne fields."""
    user_model = _user_model()
    if model is user_model:
        return ""
    frontier = [(model, "")]
    seen = {model}
    for _level in range(depth):
        following = []
        for current, path in frontier:
            for model_field in current._meta.concrete_fields:
                if not (model_field.many_to_one or model_field.one_to_one):
                    continue
                target = model_field.remote_field.model
                step = f"{path}__{model_field.name}" if path else model_field.name
                if target is user_model:
                    return step
                if target not in seen:
                    seen.add(target)
                    following.append((target, step))
        frontier = following
    return None


def _own_fields(model) -> list:
    return [*model._meta.concrete_fields, *model._meta.local_many_to_many]


def _resolve_path(model, path: str):
    """The model a lookup path ends at, or None when a step does not exist or is not a relation."""
    current = model
    for name in path.split("__"):
        try:
            step = current._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not step.is_relation or step.related_model is None:
            return None
        current = step.related_model
    return current


def _error(message: str, *, obj, code: str, hint: str = "") -> checks.Error:
    return checks.Error(message, hint=hint or None, obj=obj, id=f"privacy.{code}")


def find_problems(data_map: PersonalDataMap, all_models: Iterable) -> list[checks.CheckMessage]:
    all_models = list(all_models)
    by_label = {model._meta.label: model for model in all_models}
    problems: list[checks.CheckMessage] = []
    problems += _stale_declarations(data_map, by_label)
    for model in all_models:
        problems += _undeclared_fields(data_map, model)
    return problems


def _stale_declarations(data_map: PersonalDataMap, by_label: dict) -> list:
    problems = []
    app_labels = {label.split(".")[0] for label in by_label} | {config.label for config in apps.get_app_configs()}
    for target in data_map.no_personal_data:
        if target not in by_label and target not in app_labels:
            problems.append(
                _error(
                    f"'{target}' says it holds no personal data, but no such app or model exists.",
                    obj=target,
                    code="E004",
                )
            )
    for label, entry in data_map.models.items():
        model = by_label.get(label)
        if model is None:
            problems.append(
                _error(f"The personal-data map declares {label}, which no longer exists.", obj=label, code="E002")
            )
            continue
        found_by = [name for way in entry.found_by for name in (way.field, *(field for field, _ in way.where))]
        for name in [*entry.technical_fields, *(item.field for item in entry.fields), *found_by]:
            try:
                model._meta.get_field(name)
            except FieldDoesNotExist:
                problems.append(
                    _error(
                        f"The personal-data map names {label}.{name}, which no longer exists.", obj=model, code="E003"
                    )
                )
        overlap = set(entry.technical_fields) & {item.field for item in entry.fields}
        for name in sorted(overlap):
            problems.append(
                _error(
                    f"{label}.{name} is declared both as personal data and as a technical field.",
                    obj=model,
                    code="E005",
                )
            )
        if entry.subject_path is not None:
            end = model if entry.subject_path == "" else _resolve_path(model, entry.subject_path)
            if end is not _user_model():
                problems.append(
                    _error(
                        f"{label}: subject path '{entry.subject_path}' does not lead to {settings.AUTH_USER_MODEL}.",
                        obj=model,
                        code="E006",
                    )
                )
    return problems


def _undeclared_fields(data_map: PersonalDataMap, model) -> list:
    label = model._meta.label
    entry = data_map.models.get(label)
    linked_path = subject_path_of(model)
    said_none = data_map.no_personal_data.get(label) or data_map.no_personal_data.get(model._meta.app_label)
    if entry is None and linked_path is not None:
        return [
            _error(
                f"{label} belongs to a person (through '{linked_path or 'itself'}') but is not in the personal-data "
                "map.",
                obj=model,
                code="E001",
                hint=f"Declare it in {model._meta.app_config.name}.personal_data with subject_path='{linked_path}', "
                "its personal-data fields and its technical fields.",
            )
        ]
    problems = []
    if entry is not None and entry.subject_path is None and linked_path is not None:
        # Its rows would be missing from every person's data, export and erasure.
        problems.append(
            _error(
                f"{label} is declared as belonging to no account, but it leads to one through '{linked_path}'.",
                obj=model,
                code="E007",
                hint=f"Declare it with subject_path='{linked_path}'.",
            )
        )
    declared = set()
    if entry is not None:
        declared = {item.field for item in entry.fields} | set(entry.technical_fields)
        if entry.link_field:
            declared.add(entry.link_field)
    for model_field in _own_fields(model):
        if model_field.name in declared:
            continue
        if entry is not None and entry.subject_path is not None:
            problems.append(
                _error(
                    f"{label}.{model_field.name} is neither declared as personal data nor listed as a technical field.",
                    obj=model,
                    code="E001",
                )
            )
        elif is_personal_data_kind(model_field):
            problems.append(
                _error(
                    f"{label}.{model_field.name} ({type(model_field).__name__}) holds personal data but is not "
                    "declared in the personal-data map"
                    + (f", although '{said_none.target}' says it holds none." if said_none else "."),
                    obj=model,
                    code="E001",
                )
            )
    return problems


def check_personal_data_map(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return find_problems(personal_data_map, apps.get_models(include_auto_created=False))
