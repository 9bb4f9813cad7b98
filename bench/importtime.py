"""What ``mltrack progress`` spends importing: ``python -X importtime``, top modules.

    python bench/importtime.py                  # mltrack progress on the seeded database
    python bench/importtime.py --runs 9 --top 15 -- show python

Runs the installed ``mltrack`` script under ``-X importtime`` several times on the benchmark's
fresh database (bench/.cache, built if needed) and prints, per module, the median of its
cumulative and self import times: the top modules by cumulative time, then mltrack's own.
"""

import argparse
import statistics
import subprocess
import sys
from collections import defaultdict

import build
from run import base_environment, compile_mltrack, mltrack_script


def import_times(argv: list[str], env: dict[str, str]) -> dict[str, tuple[int, int]]:
    """module -> (self, cumulative) microseconds, from one run's ``-X importtime`` output."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed: {done.stderr.strip().splitlines()[-1]}")
    found = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        own, cumulative, module = line.removeprefix("import time:").split("|")
        found[module.strip()] = (int(own), int(cumulative))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("command", nargs="*", default=["progress"], help="mltrack arguments")
    arguments = parser.parse_args()
    env = {**base_environment(), "MLTRACK_DB": str(build.database("fresh").path)}
    compile_mltrack()
    argv = [str(mltrack_script()), *arguments.command]
    samples: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for _ in range(arguments.runs):
        for module, times in import_times(argv, env).items():
            samples[module].append(times)
    medians = {
        module: (statistics.median(s for s, _ in runs), statistics.median(c for _, c in runs))
        for module, runs in samples.items()
    }
    top = sorted(medians.items(), key=lambda item: -item[1][1])[: arguments.top]
    print(f"mltrack {' '.join(arguments.command)}: median of {arguments.runs} runs, in ms")
    _print("top modules by cumulative import time", top)
    own = sorted(
        ((m, t) for m, t in medians.items() if m.split(".")[0] == "mltrack"),
        key=lambda item: -item[1][0],
    )
    _print("mltrack's own modules by self time", own)
    total = sum(own_time for own_time, _ in medians.values())
    print(f"\nall imports (sum of self times): {total / 1000:.1f} ms, {len(medians)} modules")


def _print(title: str, rows: list[tuple[str, tuple[float, float]]]) -> None:
    print(f"\n{title}:\n{'cumulative':>11} {'self':>7}  module")
    for module, (own, cumulative) in rows:
        print(f"{cumulative / 1000:11.1f} {own / 1000:7.1f}  {module}")


if __name__ == "__main__":
    main()
