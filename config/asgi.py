import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from config.lib.uploads import upload_leftovers_delete  # noqa: E402  (needs the settings configured)

# What web processes killed mid-upload left behind (config.lib.uploads).
upload_leftovers_delete()
