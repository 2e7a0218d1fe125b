"""A bench-only Django site: the real Wangge URLs plus a minimal insert endpoint (the same-run baseline for
case intake) and a ping. Served by ``wangge serve`` with ``DJANGO_SETTINGS_MODULE=bench.site.settings``;
never part of the production URLconf."""
