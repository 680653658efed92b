"""Character index (see gongkai/search/text.py): the index is derived data, so the tables are
recreated and refilled from the published publications."""

from django.db import migrations


def recreate(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        from gongkai.search.backends import postgres as b
    else:
        from gongkai.search.backends import sqlite as b
    for sql in b.DROP + b.CREATE:
        schema_editor.execute(sql)


def refill(apps, schema_editor):
    from gongkai.search import hooks

    try:
        model = apps.get_model("publications", "Publication")
    except LookupError:
        return
    hooks.rebuild(queryset=model.objects.filter(hooks.public_q()))


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial"), ("publications", "0001_initial")]
    operations = [
        migrations.RunPython(recreate, migrations.RunPython.noop),
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
