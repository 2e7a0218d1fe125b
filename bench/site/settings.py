"""Wangge's own settings with the bench URLconf (the real URLs plus ``/bench/…``)."""

from wangge.settings import *  # noqa: F403

ROOT_URLCONF = "bench.site.urls"
