"""Choice labels looked up once per field and language.

Django's ``get_FOO_display`` builds a dict of the field's choices on every call, and building
it turns each lazy, translated label into text through gettext: a list of 50 applications
with four such columns ran gettext about a thousand times, a third of the page's time at
city scale (issue 17, ADR 0012). ``install`` gives every model field with choices a
``get_FOO_display`` that reads a dict built the first time per language.
"""

from __future__ import annotations

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Field, Model
from django.utils.translation import get_language

_labels: dict[tuple[Field, str | None], dict[Any, str]] = {}


def label_of(instance: Model, field: Field) -> Any:
    """The label of ``instance``'s value of ``field`` in the active language; the value
    itself when it is not one of the choices (as Django does)."""
    value = getattr(instance, field.attname)
    key = (field, get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = _labels[key] = {
            choice: str(label) for choice, label in field.flatchoices if _hashable(choice)
        }
    if not _hashable(value):
        return value
    return labels.get(value, value)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def install() -> None:
    """Point every model's ``get_FOO_display`` at ``label_of`` (once all models are loaded)."""
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            name = f"get_{getattr(field, 'name', '')}_display"
            if getattr(field, "choices", None) and name in model.__dict__:
                setattr(model, name, partialmethod(label_of, field=field))
