import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
application = get_wsgi_application()

# The first search of each server process would otherwise load the segmenter's dictionary.
from gongkai.search.text import warm  # noqa: E402

warm()
