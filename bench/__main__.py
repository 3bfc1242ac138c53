"""Run the benchmarks: `make bench` (all) or `python -m bench registry` (or guards, …)."""

from __future__ import annotations

import sys

from bench import guards, production, registry, rollouts

BENCHMARKS = {
    "registry": registry.main,
    "rollouts": rollouts.main,
    "production": production.main,
    "guards": guards.main,
}


def main() -> None:
    chosen = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    for name in chosen:
        BENCHMARKS[name]()


main()
