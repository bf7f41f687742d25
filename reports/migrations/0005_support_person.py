"""Link the identities of one person's "me too": Support.kind and Support.linked.

Rows made before keep an unknown kind and no linked identities: each stays a person.
"""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_moderation_workbench"),
    ]

    operations = [
        migrations.AddField(
            model_name="support",
            name="kind",
            field=models.CharField(
                blank=True,
                choices=[
                    ("user", "signed-in user"),
                    ("email", "confirmed e-mail"),
                    ("device", "device"),
                    ("", "unknown"),
                ],
                default="",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="support",
            name="linked",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=72), blank=True, default=list, size=None
            ),
        ),
    ]
