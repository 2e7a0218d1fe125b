"""Run the benchmarks: ``python -m bench [--cases N] [--scale S] [--database URL] [--only screen]``.

Prepares (or reuses) a bench database with a demo town and N cases, runs every figure module in
``bench/figures`` (each exposes ``NAME`` and ``run(ctx) -> list[Row]``), prints a Markdown table and
writes it to ``bench/results/latest.md``.

The default run (100,000 cases) takes a few minutes on two cores. ``--cases 5000000 --scale 10`` is the
size the issue asks for (tens of minutes to generate once; later runs reuse the data).
"""

import argparse
import importlib
import os
import pkgutil
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_VAR = Path(__file__).resolve().parent / "var"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in the bench database (default 100,000)")
    parser.add_argument("--scale", type=int, default=1, help="town size as for `wangge demo --scale` (default 1)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per endpoint and node (default 20)")
    parser.add_argument("--database", default="", help="a database URL (default: SQLite in bench/var/)")
    parser.add_argument("--only", action="append", default=[], help="run only this figure (repeatable)")
    parser.add_argument("--regenerate", action="store_true", help="drop the bench data and generate it again")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each HTTP load (default 8)")
    parser.add_argument("--connections", type=int, default=8, help="client connections of each HTTP load (default 8)")
    parser.add_argument(
        "--city-fraction",
        type=float,
        default=0.01,
        help="share of the city's persons and cases the city figure generates",
    )
    parser.add_argument("--output", default=str(RESULTS / "latest.md"), help="where to write the Markdown table")
    # For the smoke test inside the test database: keep its town, do not migrate.
    parser.add_argument("--use-existing-town", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def setup_django(args) -> None:
    """Point Django at the bench database (never the developer's own)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")
    if args.database:
        os.environ["DATABASE_URL"] = args.database
        _create_postgres_database(args.database)
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["WANGGE_VAR_DIR"] = str(DEFAULT_VAR / f"scale{args.scale}")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _create_postgres_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    from urllib.parse import urlparse

    import psycopg

    name = urlparse(url).path.lstrip("/")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def figure_modules(only: list[str]):
    import bench.figures as package

    names = [m.name for m in pkgutil.iter_modules(package.__path__)]
    for name in sorted(names):
        module = importlib.import_module(f"bench.figures.{name}")
        if not only or module.NAME in only:
            yield module


def environment(args) -> str:
    from django.db import connection

    return (
        f"{connection.vendor} · {args.cases:,} cases · town scale {args.scale} · {os.cpu_count()} CPUs · "
        f"Python {platform.python_version()}"
    )


def main(argv=None, *, configure: bool = True, log=print) -> list:
    args = parse(argv)
    if configure:
        setup_django(args)
    from bench import prepare
    from bench.measure import markdown

    started = time.monotonic()
    data_rows = prepare.ensure_data(args, log=log)
    rows = list(data_rows)
    ctx = {"repeat": args.repeat, "args": args}
    for module in figure_modules(args.only):
        log(f"== {module.NAME}")
        rows += module.run(ctx)
    table = markdown(rows)
    header = f"# Benchmarks\n\n{environment(args)} · {time.strftime('%Y-%m-%d %H:%M')} · {time.monotonic() - started:.0f} s\n\n"
    log("\n" + header + table)
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(header + table + "\n", encoding="utf-8")
    return rows


if __name__ == "__main__":
    main()
