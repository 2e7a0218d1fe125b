"""A tiny run of the benchmarks inside the test database: data generation, roll-up rebuild and every
figure module run end to end, print a Markdown table and write it out (seconds, not minutes)."""

from bench import run
from bench.measure import Row


def test_the_bench_runs_end_to_end_on_a_tiny_data_set(db, tmp_path):
    output = tmp_path / "latest.md"
    lines = []
    rows = run.main(
        [
            "--cases",
            "300",
            "--repeat",
            "2",
            "--use-existing-town",
            "--no-migrate",
            "--only",
            "screen",
            "--output",
            str(output),
        ],
        configure=False,
        log=lines.append,
    )
    assert all(isinstance(row, Row) for row in rows)
    assert rows[0].figure.startswith("data: 300 cases")
    screen = [row for row in rows if row.figure.startswith("screen data endpoints")]
    assert len(screen) == 1 and screen[0].baseline.endswith("naive GROUP BY") and screen[0].passed is not None
    text = output.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert "| figure | value | same-run baseline | ratio | target | result |" in text
    assert text.count("\n|") == len(rows) + 2
    assert any("== screen" in line for line in lines)


def test_figures_are_discovered_one_module_each():
    modules = list(run.figure_modules([]))
    assert "screen" in [m.NAME for m in modules]
    assert all(isinstance(m.NAME, str) and callable(m.run) for m in modules)
    assert [m.NAME for m in run.figure_modules(["screen"])] == ["screen"]
