#!/usr/bin/env python3
"""Times a whole command over several runs (after one warm-up) and prints min / median / max wall
time in milliseconds. Usage: time_command.py RUNS -- COMMAND [ARG ...]"""
import statistics
import subprocess
import sys
import time

runs = int(sys.argv[1])
command = sys.argv[sys.argv.index("--") + 1:]
subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
times = []
for _ in range(runs):
    start = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
print(f"{' '.join(command)}")
print(f"  runs {runs}, exit status {result.returncode}: min {min(times):.1f} ms, "
      f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
