"""The baseline: JSON in, one row inserted in the same database, JSON out, through the same server and
middleware as the real endpoints. What a web stack can do before any business logic."""

import json

from django.db import connection, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

TABLE = "bench_insert"
_table_ready = False


def ensure_table() -> None:
    global _table_ready
    if _table_ready:
        return
    key = "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id {key}, category VARCHAR(20) NOT NULL, "  # noqa: S608
            "description TEXT NOT NULL, lon DOUBLE PRECISION NOT NULL, lat DOUBLE PRECISION NOT NULL, "
            "created_at TIMESTAMP NOT NULL)"
        )
    _table_ready = True


def ping(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def insert(request):
    if request.method != "POST":
        return JsonResponse({"detail": "POST only"}, status=405)
    try:
        data = json.loads(request.body or b"{}")
        row = (str(data["category"])[:20], str(data["description"]), float(data["lon"]), float(data["lat"]))
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "category, description, lon and lat are required"}, status=400)
    ensure_table()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (category, description, lon, lat, created_at) VALUES (%s, %s, %s, %s, %s) RETURNING id",  # noqa: S608
            [*row, timezone.now().replace(tzinfo=None)],
        )
        new_id = cursor.fetchone()[0]
    return JsonResponse({"id": new_id}, status=201)
