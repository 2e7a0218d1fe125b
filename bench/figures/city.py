"""Bulk generation: ``wangge demo --scale city`` (about 10,000 grids, 1,000,000 persons and 5,000,000 cases
over three years) into an empty scratch database, timed phase by phase from the command's own output.

Minutes even at 1 %, so only on request: ``python -m bench --only city`` generates ``--city-fraction``
(1 %) of the persons and cases on the full 10,000-grid town and extrapolates the growing phases
(persons, cases, roll-ups) linearly to the full size (an upper bound for persons, whose per-grid
buildings are written whatever the count); the fixed phases (regions, accounts) are measured as they
are. ``--city-fraction 1`` runs the whole city. SQLite in bench/var/city/, or ``<database>_city`` next to
a PostgreSQL ``--database``.
"""

import os
import re
import shutil
import subprocess
import sys
import time

from bench.measure import Row

NAME = "city"
PEOPLE = 1_000_000
CASES = 5_000_000
TARGET_MIN = 30.0
GROWING = ("people", "cases", "rollups")


def _scratch_env(args) -> dict:
    from bench.run import DEFAULT_VAR

    folder = DEFAULT_VAR / "city"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    env = {**os.environ, "WANGGE_VAR_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "wangge.settings"}
    env.pop("DATABASE_URL", None)
    database = getattr(args, "database", "") or ""
    if database.startswith("postgres"):
        import psycopg

        base, name = database.rsplit("/", 1)
        city = f"{name}_city"
        with psycopg.connect(base + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{city}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{city}"')
        env["DATABASE_URL"] = f"{base}/{city}"
    return env


def generate(args, fraction: float, log=print) -> tuple[dict[str, float], float, str]:
    """Run the command in a scratch database: (seconds per phase, total seconds, vendor)."""
    from bench.run import ROOT

    env = _scratch_env(args)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    people, cases = max(1, round(PEOPLE * fraction)), max(1, round(CASES * fraction))
    log(f"  wangge demo --scale city --people {people} --cases {cases}")
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [*manage, "demo", "--scale", "city", "--people", str(people), "--cases", str(cases)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    total = time.monotonic() - started
    phases = {m[1]: float(m[2]) for m in re.finditer(r"^\s+phase (\w+): ([\d.]+) s$", done.stdout, re.M)}
    vendor = "PostgreSQL" if "DATABASE_URL" in env else "SQLite"
    return phases, total, vendor


def run(ctx) -> list[Row]:
    args = ctx.get("args")
    if NAME not in (getattr(args, "only", None) or []):
        return [
            Row(
                "wangge demo --scale city (bulk generation): not part of the default run",
                "python -m bench --only city [--city-fraction 1]",
                "",
                "",
                f"< {TARGET_MIN:.0f} min",
            )
        ]
    fraction = float(getattr(args, "city_fraction", 0.01) or 0.01)
    phases, total, vendor = generate(args, fraction)
    fixed = total - sum(phases.get(p, 0.0) for p in GROWING)
    full = fixed + sum(phases.get(p, 0.0) / fraction for p in GROWING)
    people, cases = round(PEOPLE * fraction), round(CASES * fraction)
    detail = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in phases.items())
    rows = [
        Row(
            f"wangge demo --scale city at {fraction:.0%} ({people:,} persons, {cases:,} cases, 10,000 grids) · {vendor}",
            f"{total:.0f} s ({detail})",
            f"{cases / max(phases.get('cases', 0.0), 1e-9):,.0f} cases/s, {people / max(phases.get('people', 0.0), 1e-9):,.0f} persons/s",
        )
    ]
    label = "measured" if fraction >= 1 else "extrapolated linearly from the run above"
    rows.append(
        Row(
            f"  the whole city (1,000,000 persons, 5,000,000 cases over three years), {label}",
            f"{full / 60:.0f} min",
            "",
            "",
            f"< {TARGET_MIN:.0f} min",
            full / 60 < TARGET_MIN,
        )
    )
    return rows
