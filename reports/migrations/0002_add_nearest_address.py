"""Reports remember the nearest active address of the register (within 150 m) when filed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("addresses", "0004_street_search_name"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="nearest_address",
            field=models.ForeignKey(
                blank=True,
                help_text="The nearest active address of the register within 150 m, set on filing.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="addresses.address",
                verbose_name="nearest address",
            ),
        ),
    ]
