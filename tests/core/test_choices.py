"""Choice labels (core.choices): the label in the active language, the value itself when it is
not a choice, the same as Django's own lookup for every model field with choices."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from huimin.core.models import User


def test_a_label_follows_the_active_language():
    user = User(role=User.Role.FINANCE)
    assert user.get_role_display() == "财务人员"
    with translation.override("en"):
        assert user.get_role_display() == "Finance officer"
    assert user.get_role_display() == "财务人员"


def test_a_value_that_is_not_a_choice_is_shown_as_it_is():
    assert User(role="nobody").get_role_display() == "nobody"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_choice_of_every_model_reads_as_djangos_own_lookup(language):
    checked = 0
    with translation.override(language):
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not field.choices:
                    continue
                for value, _label in field.flatchoices:
                    instance = model()
                    setattr(instance, field.attname, value)
                    ours = getattr(instance, f"get_{field.name}_display")()
                    assert ours == Model._get_FIELD_display(instance, field)
                    checked += 1
    assert checked > 100
