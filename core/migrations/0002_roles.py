"""Create the four staff roles as groups with exactly the permissions of their work.

The table is `core.roles.ROLE_PERMISSIONS`. Django creates permissions only after all
migrations ran (post_migrate), so they are created here first for the apps migrated so
far; a model added later reaches its groups through `core.roles.roles_ensure_after_migrate`.
"""

from django.db import migrations


def roles_create(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from core.roles import roles_ensure

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles_ensure(apps)


def roles_remove(apps, schema_editor):
    # The groups that existed before this migration (planners, moderators,
    # address_editors) are kept; only the new one goes.
    apps.get_model("auth", "Group").objects.filter(name="admins").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("layers", "0002_add_basemap_features"),
        ("addresses", "0005_drop_search_text_building_label"),
        ("reports", "0003_add_api_key_reports_per_hour"),
        ("coverage", "0005_snapshot_results_lz4"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
