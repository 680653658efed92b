from django.db import migrations


def _statements(vendor, which):
    if vendor == "postgresql":
        from gongkai.search.backends import postgres as b
    elif vendor == "sqlite":
        from gongkai.search.backends import sqlite as b
    else:
        raise NotImplementedError(f"search: unsupported database {vendor}")
    return getattr(b, which)


def create(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, "CREATE"):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in _statements(schema_editor.connection.vendor, "DROP"):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []
    operations = [migrations.RunPython(create, drop)]
