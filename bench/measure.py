"""What every benchmark returns and how the results are printed."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    """One line of the results table.

    ``value`` and ``baseline`` are measured in the same run; ``ratio`` is baseline ÷ value (how many
    times faster); ``passed`` compares ``value`` with the target (None: no target, informational).
    """

    figure: str
    value: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    passed: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.passed is None else ("pass" if self.passed else "FAIL")


def timings(call: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        call()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(samples: list[float]) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def ms(value: float) -> str:
    return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"


def ratio(baseline: float, value: float) -> str:
    times = baseline / value if value else float("inf")
    return f"{times:.0f}×" if times >= 10 else f"{times:.1f}×"


def markdown(rows: list[Row]) -> str:
    lines = [
        "| figure | value | same-run baseline | ratio | target | result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        cells = [row.figure, row.value, row.baseline, row.ratio, row.target, row.verdict]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
