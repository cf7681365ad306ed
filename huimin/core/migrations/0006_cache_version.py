"""The versions of cached fragments (core.cache, ADR 0014)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0005_person_name_search")]

    operations = [
        migrations.CreateModel(
            name="CacheVersion",
            fields=[
                (
                    "name",
                    models.CharField(
                        max_length=50, primary_key=True, serialize=False, verbose_name="名称"
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=0, verbose_name="版本")),
                ("changed_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
            ],
            options={"verbose_name": "缓存版本", "verbose_name_plural": "缓存版本"},
        ),
    ]
