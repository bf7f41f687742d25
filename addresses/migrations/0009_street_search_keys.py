"""Street search keys: the distinct (search_name, search_latin) pairs of the streets, kept
by statement triggers on addresses_street, so that search scores a few thousand distinct
names instead of every street. The streets' own trigram indexes give way to b-trees,
which lead from a matched key back to its streets."""

import django.contrib.postgres.indexes
from django.db import migrations, models

# Statement-level triggers with transition tables: one INSERT … SELECT DISTINCT per
# statement, so a COPY of thousands of streets adds its keys in one go. A key no street
# has any more is pruned (it would only cost a score in every search); TRUNCATE empties it.
KEEP_KEYS = """
CREATE FUNCTION addresses_streetkey_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO addresses_streetkey (search_name, search_latin)
    SELECT DISTINCT search_name, search_latin FROM new_rows
    ON CONFLICT (search_name, search_latin) DO NOTHING;
    RETURN NULL;
END $$;

CREATE FUNCTION addresses_streetkey_prune() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM addresses_streetkey k
    USING (SELECT DISTINCT search_name, search_latin FROM old_rows) o
    WHERE k.search_name = o.search_name AND k.search_latin = o.search_latin
      AND NOT EXISTS (SELECT 1 FROM addresses_street st
                      WHERE st.search_name = o.search_name AND st.search_latin = o.search_latin);
    RETURN NULL;
END $$;

CREATE FUNCTION addresses_streetkey_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM addresses_streetkey;
    RETURN NULL;
END $$;

CREATE TRIGGER streetkey_insert AFTER INSERT ON addresses_street
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION addresses_streetkey_add();
CREATE TRIGGER streetkey_update_add AFTER UPDATE ON addresses_street
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION addresses_streetkey_add();
CREATE TRIGGER streetkey_update_prune AFTER UPDATE ON addresses_street
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION addresses_streetkey_prune();
CREATE TRIGGER streetkey_delete AFTER DELETE ON addresses_street
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION addresses_streetkey_prune();
CREATE TRIGGER streetkey_truncate AFTER TRUNCATE ON addresses_street
    FOR EACH STATEMENT EXECUTE FUNCTION addresses_streetkey_clear();

INSERT INTO addresses_streetkey (search_name, search_latin)
SELECT DISTINCT search_name, search_latin FROM addresses_street;
"""

DROP_KEYS = """
DROP TRIGGER IF EXISTS streetkey_insert ON addresses_street;
DROP TRIGGER IF EXISTS streetkey_update_add ON addresses_street;
DROP TRIGGER IF EXISTS streetkey_update_prune ON addresses_street;
DROP TRIGGER IF EXISTS streetkey_delete ON addresses_street;
DROP TRIGGER IF EXISTS streetkey_truncate ON addresses_street;
DROP FUNCTION IF EXISTS addresses_streetkey_add();
DROP FUNCTION IF EXISTS addresses_streetkey_prune();
DROP FUNCTION IF EXISTS addresses_streetkey_clear();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("addresses", "0008_version_for_optimistic_locking"),
        ("layers", "0005_add_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="StreetKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("search_name", models.CharField(max_length=200, verbose_name="search name")),
                ("search_latin", models.CharField(max_length=400, verbose_name="Latin search key")),
            ],
            options={
                "verbose_name": "street search key",
                "verbose_name_plural": "street search keys",
            },
        ),
        migrations.RemoveIndex(
            model_name="street",
            name="street_search_trgm",
        ),
        migrations.RemoveIndex(
            model_name="street",
            name="street_latin_trgm",
        ),
        migrations.AddIndex(
            model_name="street",
            index=models.Index(fields=["search_name"], name="street_search_name"),
        ),
        migrations.AddIndex(
            model_name="street",
            index=models.Index(fields=["search_latin"], name="street_search_latin"),
        ),
        migrations.AddIndex(
            model_name="streetkey",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_name"], name="street_key_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="streetkey",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_latin"], name="street_key_latin_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
        migrations.AddConstraint(
            model_name="streetkey",
            constraint=models.UniqueConstraint(
                fields=("search_name", "search_latin"), name="street_key_unique"
            ),
        ),
        migrations.RunSQL(KEEP_KEYS, DROP_KEYS),
    ]
