"""The default inspection checklist (administrators edit it in the admin afterwards)."""

from django.db import migrations

from huimin.supervision.rules import DEFAULT_CHECKLIST


def add_items(apps, schema_editor):
    ChecklistItem = apps.get_model("supervision", "ChecklistItem")
    ChecklistItem.objects.bulk_create(
        ChecklistItem(category=c, text=t, legal_basis=b, correction=x, position=(i + 1) * 10)
        for i, (c, t, b, x) in enumerate(DEFAULT_CHECKLIST)
    )


def remove_items(apps, schema_editor):
    apps.get_model("supervision", "ChecklistItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(add_items, remove_items)]
