"""Street-first search: a folded, trigram-indexed `Street.search_name`, a trigram index on
the folded settlement names (on layers' table, for address search only), and no trigram
index on every address (search no longer scans `Address.search_text`)."""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

# addresses.querysets.fold_sql("name_uk") when this was written; the search query repeats
# the same expression, which is what lets PostgreSQL use the index.
SETTLEMENT_NAME_INDEX = """
    CREATE INDEX address_settlement_name_trgm ON layers_settlement USING gin (
        (lower(translate(name_uk, 'ABCEHIKMOPTXYaceikmopxy,;:«»"()''’ʼ`‘′',
                         'АВСЕНІКМОРТХУасеікморху        '))) gin_trgm_ops)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("addresses", "0003_address_editors_group"),
        ("layers", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="address",
            name="address_search_trgm",
        ),
        migrations.RemoveIndex(
            model_name="street",
            name="street_name_trgm",
        ),
        migrations.AddField(
            model_name="street",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    models.Func(
                        models.F("name"),
                        models.Value("ABCEHIKMOPTXYaceikmopxy,;:«»\"()'’ʼ`‘′"),
                        models.Value("АВСЕНІКМОРТХУасеікморху        "),
                        function="translate",
                        output_field=models.CharField(),
                    )
                ),
                output_field=models.CharField(max_length=200),
                verbose_name="search name",
            ),
        ),
        migrations.AddIndex(
            model_name="street",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_name"], name="street_search_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.RunSQL(
            SETTLEMENT_NAME_INDEX, "DROP INDEX IF EXISTS address_settlement_name_trgm"
        ),
    ]
