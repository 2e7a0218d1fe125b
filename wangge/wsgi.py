import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
application = get_wsgi_application()

# Each worker loads (or, before any retraining, trains) the category suggester beside its first requests
# instead of inside one of them.
from wangge.cases.suggester import warm_in_background  # noqa: E402

warm_in_background()
