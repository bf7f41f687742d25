"""Project configuration (settings, URLs, WSGI/ASGI). Not an app: the label "gis" is
django.contrib.gis's."""
