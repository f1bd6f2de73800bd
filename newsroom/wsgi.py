import os

from django.core.wsgi import get_wsgi_application

from newsroom.errors import refuse_unreadable_requests

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = refuse_unreadable_requests(get_wsgi_application())
