import random
import time

import paho.mqtt.client as mqtt
from django.core.management.base import BaseCommand, CommandError

from wangge.devices import conf, simulation
from wangge.devices.models import Device
from wangge.devices.subscriber import broker_address


class Command(BaseCommand):
    help = (
        "Publish realistic traffic of the registered devices to the MQTT broker: a heartbeat per device per "
        "interval (scaled by --speed) and, now and then, an alarm. Run `wangge mqtt` (or `wangge serve`) to take it in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="mqtt://host:port (default MQTT_URL)")
        parser.add_argument("--prefix", default=None, help="topic prefix (default DEVICES_TOPIC_PREFIX)")
        parser.add_argument("--speed", type=float, default=10.0, help="heartbeats this many times faster (10)")
        parser.add_argument("--alarm-every", type=float, default=60.0, help="seconds between alarms, on average")
        parser.add_argument("--duration", type=float, default=0, help="stop after this many seconds (0: never)")
        parser.add_argument("--limit", type=int, default=0, help="at most this many devices")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, url, prefix, speed, alarm_every, duration, limit, seed, **options):
        rng = random.Random(seed)
        devices = list(
            Device.objects.filter(is_active=True).order_by("serial").values_list("serial", "kind", "heartbeat_seconds")
        )
        if limit:
            devices = devices[:limit]
        if not devices:
            raise CommandError("No device is registered: load the demo (`wangge demo`) or register some.")
        prefix = (prefix or conf.topic_prefix()).rstrip("/")
        host, port = broker_address(url or conf.mqtt_url())
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"wangge-simulator-{rng.randint(0, 1 << 30)}")
        client.connect(host, port, keepalive=30)
        client.loop_start()
        started = time.monotonic()
        due = {serial: started + rng.uniform(0, hb / speed) for serial, _kind, hb in devices}
        next_alarm = started + rng.expovariate(1 / alarm_every) if alarm_every > 0 else float("inf")
        sent = alarms = 0
        self.stdout.write(f"Simulating {len(devices)} devices on {host}:{port} under {prefix}/ (Ctrl-C to stop)")
        try:
            while not duration or time.monotonic() - started < duration:
                now = time.monotonic()
                for serial, kind, heartbeat in devices:
                    if due[serial] <= now:
                        client.publish(
                            f"{prefix}/{serial}/heartbeat", simulation.message(kind, "heartbeat", rng), qos=1
                        )
                        due[serial] = now + heartbeat / speed
                        sent += 1
                if now >= next_alarm:
                    serial, kind, _hb = rng.choice(devices)
                    client.publish(f"{prefix}/{serial}/alarm", simulation.message(kind, "alarm", rng), qos=1)
                    self.stdout.write(f"alarm from {serial} ({kind})")
                    alarms += 1
                    next_alarm = now + rng.expovariate(1 / alarm_every)
                time.sleep(0.05)
        except KeyboardInterrupt:
            pass
        finally:
            client.loop_stop()
            client.disconnect()
        self.stdout.write(f"{sent} heartbeats and {alarms} alarms published.")
