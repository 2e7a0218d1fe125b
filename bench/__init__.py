"""Benchmarks: ``python -m bench`` (or ``make bench``). One module per figure in ``bench/figures``."""
