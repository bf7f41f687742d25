"""Enable pg_trgm and add the GIN trigram indexes of typo-tolerant address search."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("addresses", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="street",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name"], name="street_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="address",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_text"], name="address_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
