import argparse
import signal
import threading

from django.core.management.base import BaseCommand

from wangge.core.management.commands.serve import mqtt_argv
from wangge.devices import conf
from wangge.devices import workers as pool
from wangge.devices.subscriber import broker_address


class Command(BaseCommand):
    help = (
        "Subscribe to the MQTT broker (MQTT_URL) under {prefix}/{serial}/{kind} and take devices' heartbeats, "
        "readings and alarms in: --workers processes (default one per CPU) on one shared subscription, each "
        "with its own persistent session, QoS 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="mqtt://host:port (default MQTT_URL, mqtt://127.0.0.1:1883)")
        parser.add_argument(
            "--prefix", default=None, help="topic prefix (default DEVICES_TOPIC_PREFIX, wangge/devices)"
        )
        parser.add_argument(
            "--client-id", default=None, help="the sessions' base id: worker i is <id>-i, the shared group <id>"
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="subscriber processes (default WANGGE_MQTT_WORKERS, else one per CPU)",
        )
        parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)  # a child: run worker i only

    def handle(self, *args, url, prefix, client_id, batch_size, workers, worker, **options):
        url = url or conf.mqtt_url()
        prefix = (prefix or conf.topic_prefix()).rstrip("/")
        base = client_id or conf.client_id()
        count = max(1, workers or conf.mqtt_workers())
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_args: stop.set())
        if worker is not None:
            self._run_worker(worker, base=base, url=url, prefix=prefix, batch_size=batch_size, stop=stop)
            return
        host, port = broker_address(url)
        taken = pool.prepare(base=base, url=url, prefix=prefix, workers=count)
        if taken:
            self._say(f"{taken} messages taken in from the sessions of workers no longer run")
        self._say(
            f"MQTT subscriber on {host}:{port}: {count} worker(s) on $share/{base}/{prefix}/+/+ (QoS 1, persistent)"
        )
        if count == 1:
            self._run_worker(0, base=base, url=url, prefix=prefix, batch_size=batch_size, stop=stop)
            return

        def argv_of(index: int) -> list[str]:
            return [
                *mqtt_argv(),
                *("--url", url, "--prefix", prefix, "--client-id", base, "--batch-size", str(batch_size)),
                *("--workers", str(count), "--worker", str(index)),
            ]

        pool.supervise(argv_of, count, stop)
        self._say("MQTT subscriber stopped.")

    def _run_worker(self, index: int, *, stop: threading.Event, **how) -> None:
        processed = pool.run_worker(index, stop=stop, say=self._say, **how)
        self._say(f"worker {index} stopped after {processed} messages.")

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
