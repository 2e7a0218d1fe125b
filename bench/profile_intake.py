"""Profile case intake in-process with pyinstrument: ``python -m bench.profile_intake [--requests 300]
[--backend sqlite|postgresql] [--html FILE]``.

A fresh copy of the intake database (``bench.intakedb``), the real ``POST /api/v1/cases`` through
Django's full request handling (middleware, ninja, bearer token) with Django's test client, one
request at a time: where the time of one report goes, without the server or the network. Prints the
queries of one report, the time per report, and the profile (call tree and the flat list of the
functions that spend the most time themselves).
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_intake", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--html", default="", help="also write pyinstrument's HTML report here")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from bench import intakedb

    backend, skip = intakedb.backends(args.backend)[0]
    if skip:
        raise SystemExit(skip)
    prepared = intakedb.fresh_copy(backend)
    os.environ.update(prepared.env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.site.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    real, _baseline = intakedb.intake_requests(prepared.meta, count=args.requests + 20)
    client = Client(HTTP_HOST="127.0.0.1")

    def post(request) -> None:
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in request["headers"].items()}
        headers.pop("HTTP_CONTENT_TYPE", None)
        response = client.post(
            request["path"],
            request["body"].encode(),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            **headers,
        )
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")

    for request in real[:19]:  # warm: code paths, the point-lookup tree, the working calendar
        post(request)
    with CaptureQueriesContext(connection) as captured:
        post(real[19])
    print(f"== queries of one report ({backend.label}): {len(captured.captured_queries)}")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:150]}")
    timed = real[20:]
    started, cpu = time.perf_counter(), time.process_time()
    for request in timed:
        post(request)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"== {len(timed)} reports, one at a time: {wall / len(timed) * 1000:.2f} ms each ({cpu / len(timed) * 1000:.2f} ms CPU)"
    )
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for request in timed:
        post(request)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print("== functions by own time")
    print("\n".join(profiler.output(ConsoleRenderer(flat=True, unicode=True, color=False)).splitlines()[:40]))
    if args.html:
        Path(args.html).write_text(profiler.output_html(), encoding="utf-8")
        print(f"HTML profile: {args.html}")


if __name__ == "__main__":
    main()
