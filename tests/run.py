"""``make test``: the suite on SQLite and on PostgreSQL (with Redis) side by side, then the browser journeys.

    python -m tests.run                      # every run this machine can do (CI: every run, or fail)
    python -m tests.run sqlite               # one run: sqlite, postgres or e2e
    python -m tests.run --clock=holiday -- -k workflow   # pytest arguments after --

The two suites are independent processes, one per core: the SQLite run (the default set-up: an
in-memory test database, huey on a SQLite file, the cache in memory) and the PostgreSQL run (the
production set-up: PostgreSQL, the Redis cache and the Redis task queue, at the instant of the day,
``tests.clock``). The browser journeys start their own server on SQLite and run once, when the first
suite is done. Nothing is shared between runs: each has its own database, Redis prefix, MQTT topic
prefix and ``WANGGE_VAR_DIR`` (see ``tests/services.py``).

Output stays readable: each run writes to its own log, printed whole under a header when the run ends;
a summary follows, and the exit status is non-zero if any run failed, found no test, or could not start.
Before anything starts, the services and programs are checked: locally a missing one skips the runs or
tests that need it, with the reason; under CI (``CI=true``) it stops here with the list of what is missing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests import clock, services

ROOT = services.ROOT
CHECKOUT = hashlib.sha1(str(ROOT).encode()).hexdigest()[:8]  # noqa: S324 (a name, not a secret)
RUNS = ("sqlite", "postgres", "e2e")
RUN_LIMIT_S = 75 * 60  # a whole run; single tests are bounded by pytest-timeout
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
OUTCOME = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed|deselected)")


@dataclass
class Run:
    name: str
    title: str
    argv: list[str]
    env: dict[str, str]
    log: Path = field(init=False)
    process: subprocess.Popen | None = None
    started: float = 0.0
    took: float = 0.0
    code: int | None = None

    def start(self, log_dir: Path) -> None:
        self.log = log_dir / f"{self.name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started = time.monotonic()

    def poll(self) -> bool:
        """True once the run has ended (or was stopped for taking longer than ``RUN_LIMIT_S``)."""
        if self.code is not None:
            return True
        code = self.process.poll()
        if code is None and time.monotonic() - self.started > RUN_LIMIT_S:
            self.stop()
            with self.log.open("a") as out:
                out.write(f"\n{self.name}: stopped after {RUN_LIMIT_S // 60} minutes\n")
            code = -1
        if code is None:
            return False
        self.code, self.took = code, time.monotonic() - self.started
        return True

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    @property
    def counts(self) -> dict[str, int]:
        """pytest's closing counts (``3 failed, 1700 passed, 5 skipped``), {} if it printed none."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        for line in reversed(lines):
            found = OUTCOME.findall(line)
            if found and (" in " in line or line.startswith("=")):
                counts = {kind.rstrip("s") if kind.startswith("error") else kind: int(n) for n, kind in found}
                return counts
        return {}

    @property
    def passed(self) -> bool:
        # pytest exits 5 when it collected nothing: a run that tested nothing has not passed.
        return self.code == 0 and self.counts.get("passed", 0) > 0


def minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def parse(argv: list[str]) -> argparse.Namespace:
    """Options, then the runs; whatever follows ``--`` goes to pytest in every run."""
    ours, pytest_args = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(prog="python -m tests.run", description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", metavar="RUN", help=f"{', '.join(RUNS)} (default: all)")
    parser.add_argument("--clock", default=os.environ.get("CLOCK", ""), help="the instant every suite pretends it is")
    parser.add_argument(
        "--pg-url", default=os.environ.get("PG_URL") or f"postgres://postgres@127.0.0.1:5432/wangge_{CHECKOUT}"
    )
    env = os.environ.get
    parser.add_argument("--redis-url", default=env("TEST_REDIS_URL") or env("REDIS_URL") or services.REDIS_URL)
    parser.add_argument("--mqtt-url", default=env("TEST_MQTT_URL") or env("MQTT_URL") or services.MQTT_URL)
    args = parser.parse_args(ours)
    unknown = set(args.runs) - set(RUNS)
    if unknown:
        parser.error(f"unknown run {', '.join(sorted(unknown))}: choose from {', '.join(RUNS)}")
    args.pytest_args = pytest_args
    return args


def preflight(args, wanted: list[str]) -> tuple[list[str], dict[str, str], list[str]]:
    """(runs that can go, problems that skip a part, problems that stop CI)."""
    notes: dict[str, str] = {}
    blocking: list[str] = []
    runs = list(wanted)
    if "postgres" in wanted:
        if problem := services.postgres_problem(args.pg_url):
            notes["postgres"] = f"{problem}: the PostgreSQL run is skipped"
            blocking.append(problem)
            runs.remove("postgres")
        elif problem := services.redis_problem(args.redis_url):
            notes["redis"] = f"{problem}: the PostgreSQL run goes without Redis, and the Redis tests are skipped"
            blocking.append(problem)
    if "e2e" in wanted and not services.chromium():
        notes["chromium"] = "Chromium is not installed (apt-get install chromium): the browser journeys are skipped"
        blocking.append("Chromium is not installed (apt-get install chromium)")
        runs.remove("e2e")
    if {"sqlite", "postgres"} & set(runs):
        if not services.xgettext():
            notes["gettext"] = "GNU gettext is not installed (apt-get install gettext): the catalogue check is skipped"
            blocking.append("GNU gettext (xgettext) is not installed (apt-get install gettext)")
        if problem := services.mqtt_problem(args.mqtt_url):
            notes["mqtt"] = f"{problem}: the MQTT tests are skipped"
            blocking.append(problem)
    return runs, notes, blocking


def environment(name: str, args, notes: dict[str, str], tag: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "WANGGE_REDIS_PREFIX", "WANGGE_TEST_CLOCK", "WANGGE_VAR_DIR")
    }
    env.update(
        WANGGE_VAR_DIR=str(ROOT / "var" / "test-runs" / name),
        WANGGE_TEST_MQTT_PREFIX=f"wangge-test/{tag}/{name}",
        TEST_MQTT_URL=args.mqtt_url,
        PYTHONUNBUFFERED="1",
    )
    if name == "postgres":
        env["DATABASE_URL"] = args.pg_url
        if "redis" not in notes:
            env.update(REDIS_URL=args.redis_url, WANGGE_REDIS_PREFIX=f"wangge-test-{tag}")
    return env


def build(name: str, args, notes: dict[str, str], tag: str) -> Run:
    env = environment(name, args, notes, tag)
    if name == "e2e":
        return Run(
            name, "Browser journeys (headless Chromium, their own server on SQLite)", [*PYTEST, "tests/e2e"], env
        )
    at = args.clock or (clock.of_the_day() if name == "postgres" else "")
    argv = [*PYTEST, "--ignore=tests/e2e", *([f"--clock={at}"] if at else []), *args.pytest_args]
    where = f"PostgreSQL ({args.pg_url})" + (", Redis" if "REDIS_URL" in env else ", no Redis")
    title = f"Test suite on {where if name == 'postgres' else 'SQLite'}" + (f", clock at {at}" if at else "")
    return Run(name, title, argv, env)


def report(run: Run) -> None:
    verdict = "passed" if run.passed else ("found no test" if run.code in (0, 5) else f"FAILED (exit {run.code})")
    print(f"\n== {run.title}: {verdict} in {minutes(run.took)} ==", flush=True)
    sys.stdout.write(run.log.read_text(errors="replace"))
    sys.stdout.flush()


def _interrupted(signum, frame):
    """Stopped from outside (CI's time limit): stop the runs too, as after Ctrl-C."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    wanted = args.runs or list(RUNS)
    runs, notes, blocking = preflight(args, wanted)
    for note in notes.values():
        print(f"-- {note}")
    if blocking and services.ON_CI:
        print("CI=true: these are needed and missing, so nothing was run:", *blocking, sep="\n  ", flush=True)
        return 1
    signal.signal(signal.SIGTERM, _interrupted)
    tag = f"{CHECKOUT}-{os.getpid()}"
    waiting = [build(name, args, notes, tag) for name in runs]
    # The two suites first, one per core; the browser journeys when a suite is done.
    suites = [r for r in waiting if r.name != "e2e"]
    later = [r for r in waiting if r.name == "e2e"]
    running, done = [], []
    started = time.monotonic()
    log_dir = Path(tempfile.mkdtemp(prefix="wangge-test-runs-"))
    print(f"== {len(waiting)} run(s): {', '.join(r.name for r in waiting)}; logs in {log_dir}", flush=True)
    try:
        for run in suites or later[:1]:
            run.start(log_dir)
            running.append(run)
        later = later if suites else later[1:]
        while running:
            time.sleep(1)
            for run in [r for r in running if r.poll()]:
                running.remove(run)
                done.append(run)
                report(run)
                if later:
                    later[0].start(log_dir)
                    running.append(later.pop(0))
    except KeyboardInterrupt:
        for run in running:
            run.stop()
        raise
    total: dict[str, int] = {}
    print(f"\n== Summary ({minutes(time.monotonic() - started)} in all) ==")
    for run in sorted(done, key=lambda r: RUNS.index(r.name)):
        counts = run.counts
        for kind, n in counts.items():
            total[kind] = total.get(kind, 0) + n
        shown = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "no pytest summary"
        print(f"  {run.name:<9} {'ok' if run.passed else 'FAILED':<7} {minutes(run.took):>6}  {shown}")
    for note in notes.values():
        print(f"  skipped: {note}")
    failed = total.get("failed", 0) + total.get("error", 0)
    print(f"total: {total.get('passed', 0)} passed, {failed} failed, {total.get('skipped', 0)} skipped", flush=True)
    return 0 if done and all(r.passed for r in done) else 1


if __name__ == "__main__":
    sys.exit(main())
