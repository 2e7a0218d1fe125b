"""A database for the HTTP benchmarks that write (case intake, the server comparison), one per backend.

Built once as a template (migrated; the bench town at scale 1 with ``CASES`` cases and their roll-ups;
a grid worker's API token), then copied fresh for every measurement: a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL. So the run's own bench data is never written to, and
every run starts from the same state. The template is rebuilt when the seed, size or the set of
migrations changes.

``python -m bench.intakedb build --cases N`` (with ``WANGGE_VAR_DIR`` and, for PostgreSQL,
``DATABASE_URL`` set) is the build step: a subprocess, because the benchmark process is already bound
to the run's own database. ``WANGGE_BENCH_PG_URL`` names the PostgreSQL working database.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(__file__).resolve().parent / "var" / "intake"
CASES = 20_000
SEED = 2026
VERSION = 1
PG_URL_ENV = "WANGGE_BENCH_PG_URL"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/wangge_bench_intake"


@dataclass
class Backend:
    name: str  # "sqlite" | "postgresql"
    url: str = ""  # PostgreSQL only: the working database (the template is <name>_tpl)

    @property
    def label(self) -> str:
        return "SQLite" if self.name == "sqlite" else "PostgreSQL"


@dataclass
class Prepared:
    backend: Backend
    env: dict  # for the server: WANGGE_VAR_DIR, DATABASE_URL
    meta: dict  # token, categories, points, user


def postgres_url() -> str:
    return os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)


def postgres_answers(url: str | None = None) -> str:
    """ "" when PostgreSQL answers at ``url``'s server, else why not."""
    url = url or postgres_url()
    try:
        import psycopg

        psycopg.connect(_admin_url(url), connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 (any failure means: skip PostgreSQL)
        return f"PostgreSQL does not answer at {urlparse(url).hostname}:{urlparse(url).port or 5432} ({type(exc).__name__})"
    return ""


def backends(only: str = "") -> list[tuple[Backend, str]]:
    """(backend, reason to skip or "") for SQLite and PostgreSQL."""
    out = [(Backend("sqlite"), "")]
    url = postgres_url()
    out.append((Backend("postgresql", url), postgres_answers(url)))
    return [b for b in out if not only or b[0].name == only]


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _db_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def _migrations_key() -> str:
    names = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "wangge").glob("*/migrations/0*.py"))
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def _wanted(cases: int) -> dict:
    return {"version": VERSION, "cases": cases, "seed": SEED, "migrations": _migrations_key()}


def _template_dir(backend: Backend) -> Path:
    return VAR / f"{backend.name}-template"


def _template_url(backend: Backend) -> str:
    return backend.url.rsplit("/", 1)[0] + "/" + _db_name(backend.url) + "_tpl"


def _read_meta(path: Path) -> dict:
    try:
        return json.loads((path / "meta.json").read_text())
    except (OSError, ValueError):
        return {}


def _pg_exec(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as connection:
        for statement in statements:
            connection.execute(statement)


def _pg_exists(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True, connect_timeout=5) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def ensure_template(backend: Backend, *, cases: int | None = None, log=print) -> dict:
    """Build the template when missing or stale; returns its meta."""
    cases = cases or CASES
    folder = _template_dir(backend)
    meta = _read_meta(folder)
    wanted = _wanted(cases)
    fresh = meta and all(meta.get(k) == v for k, v in wanted.items())
    if fresh and backend.name == "postgresql":
        fresh = _pg_exists(backend.url, _db_name(_template_url(backend)))
    if fresh:
        return meta
    log(f"  building the {backend.label} intake template ({cases:,} cases; once)")
    started = time.monotonic()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "wangge.settings",
        "WANGGE_VAR_DIR": str(folder),
    }
    env.pop("DATABASE_URL", None)
    if backend.name == "postgresql":
        template = _template_url(backend)
        _pg_exec(
            backend.url, f'DROP DATABASE IF EXISTS "{_db_name(template)}"', f'CREATE DATABASE "{_db_name(template)}"'
        )
        env["DATABASE_URL"] = template
    command = [sys.executable, "-m", "bench.intakedb", "build", "--cases", str(cases)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own module)
    meta = {**_read_meta(folder), **wanted, "build_s": round(time.monotonic() - started, 1)}
    (folder / "meta.json").write_text(json.dumps(meta))
    return meta


def fresh_copy(backend: Backend, *, cases: int | None = None, log=print) -> Prepared:
    """A working database equal to the template, and the environment a server needs to use it."""
    meta = ensure_template(backend, cases=cases, log=log)
    template = _template_dir(backend)
    work = VAR / f"{backend.name}-run"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy2(template / "secrets.json", work / "secrets.json")
    env = {"WANGGE_VAR_DIR": str(work)}
    if backend.name == "sqlite":
        shutil.copy2(template / "wangge.sqlite3", work / "wangge.sqlite3")
        env["DATABASE_URL"] = f"sqlite:///{work / 'wangge.sqlite3'}"
    else:
        name = _db_name(backend.url)
        _pg_exec(
            backend.url,
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}" TEMPLATE "{_db_name(_template_url(backend))}"',
        )
        env["DATABASE_URL"] = backend.url
    return Prepared(backend, env, meta)


# --- request bodies ------------------------------------------------------------------------------------


def intake_requests(meta: dict, *, count: int = 4000, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """(the real POST /api/v1/cases requests, the same bodies for the baseline insert)."""
    rng = random.Random(seed)
    real, baseline = [], []
    words = ["井盖破损", "路灯不亮", "占道经营", "垃圾满溢", "违规停车", "墙面小广告", "绿化带损坏", "噪音扰民"]
    for i in range(count):
        lon, lat = rng.choice(meta["points"])
        body = json.dumps(
            {
                "category": rng.choice(meta["categories"]),
                "description": f"{rng.choice(words)}，位置在第{i % 97}号楼附近，请尽快处理。",
                "lon": round(lon + rng.uniform(-2e-5, 2e-5), 7),
                "lat": round(lat + rng.uniform(-2e-5, 2e-5), 7),
                "source": "patrol",
            },
            ensure_ascii=False,
        )
        headers = {"Content-Type": "application/json", "Accept-Language": "zh-hans"}
        real.append(
            {
                "method": "POST",
                "path": "/api/v1/cases",
                "body": body,
                "headers": {**headers, "Authorization": f"Bearer {meta['token']}"},
            }
        )
        baseline.append({"method": "POST", "path": "/bench/insert", "body": body, "headers": headers})
    return real, baseline


# --- the build step (runs in its own process, bound to the template database) -------------------------


def _build(cases: int) -> None:
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import datagen
    from wangge.accounts.models import ApiToken, Membership, Role
    from wangge.accounts.services import issue_token
    from wangge.cases.models import Category
    from wangge.regions.models import Level, Region
    from wangge.rollups.rollups import rebuild_rollups

    call_command("migrate", verbosity=0)
    datagen.build_town(scale=1, seed=SEED)
    datagen.generate_cases(cases, seed=SEED, log=lambda *a: None)
    rebuild_rollups(ledgers=False)
    worker = (
        Membership.objects.filter(role=Role.GRID_WORKER, is_active=True).select_related("user").order_by("pk").first()
    )
    key, token = issue_token(user=worker.user)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=3650))
    categories = list(Category.objects.filter(parent__isnull=False, is_active=True).values_list("code", flat=True))
    points = [
        (lon, lat)
        for lon, lat in Region.objects.filter(level=Level.MICRO_GRID, is_active=True).values_list(
            "center_lon", "center_lat"
        )
        if lon is not None
    ]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = Path(os.environ["WANGGE_VAR_DIR"])
    (folder / "meta.json").write_text(
        json.dumps({"token": key, "user": worker.user.username, "categories": categories, "points": points})
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.intakedb")
    parser.add_argument("step", choices=["build"])
    parser.add_argument("--cases", type=int, default=CASES)
    _build(parser.parse_args().cases)
