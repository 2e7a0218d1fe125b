"""`wangge simulate-devices`: the issue's spelling of `simulate_devices`."""

from wangge.devices.management.commands.simulate_devices import Command

__all__ = ["Command"]
