import signal
import threading

from django.core.management.base import BaseCommand

from wangge.devices.subscriber import Subscriber, broker_address


class Command(BaseCommand):
    help = (
        "Subscribe to the MQTT broker (MQTT_URL) under {prefix}/{serial}/{kind} with a persistent session and "
        "QoS 1, and take devices' heartbeats, readings and alarms in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="mqtt://host:port (default MQTT_URL, mqtt://127.0.0.1:1883)")
        parser.add_argument(
            "--prefix", default=None, help="topic prefix (default DEVICES_TOPIC_PREFIX, wangge/devices)"
        )
        parser.add_argument("--client-id", default=None, help="the persistent session's client id")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, url, prefix, client_id, batch_size, **options):
        subscriber = Subscriber(url, prefix=prefix, client_id=client_id, batch_size=batch_size)
        host, port = broker_address(subscriber.url)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, lambda *_args: stop.set())
        subscriber.start()
        self.stdout.write(f"MQTT subscriber on {host}:{port}, topics {subscriber.prefix}/+/+ (QoS 1, persistent)")
        self.stdout.flush()
        try:
            subscriber.run(stop)
        finally:
            subscriber.stop()
            self.stdout.write(f"MQTT subscriber stopped after {subscriber.processed} messages.")
