#!/usr/bin/env python3
"""Markdown table of a run-all.sh campaign: one row per target from artifacts/logs/summary.log,
with the final coverage line of its log.

    python3 tools/summary-table.py [artifacts/logs]
"""
import os
import re
import sys

logs = sys.argv[1] if len(sys.argv) > 1 else "artifacts/logs"
rows = {}
for line in open(os.path.join(logs, "summary.log")):
    m = re.match(r"(\S+) (app_\w+|\w+) runs=(\d+) libfuzzer_secs=(\d+) stopped_secs=(\d+) "
                 r"actually_run_secs=(\d+) cpu_secs=(\d+) processes=(\d+) result=(.*)", line)
    if m:
        rows.setdefault(m.group(2), []).append(m.groups())
print("| target | finished (UTC) | executions | libFuzzer s | stopped s | actually run s | CPU s "
      "| processes | cov / ft (last process) | result |")
print("|---|---|---|---|---|---|---|---|---|---|")
for t, runs in rows.items():
    for (end, _, n, wall, stop, ran, cpu, procs, res) in runs:
        cov = ""
        log = os.path.join(logs, t + ".log")
        if os.path.exists(log):
            done = [l for l in open(log, errors="replace") if "DONE" in l and "cov:" in l]
            m = re.search(r"cov: (\d+) ft: (\d+)", done[-1]) if done else None
            cov = f"{m.group(1)} / {m.group(2)}" if m else ""
        print(f"| `{t}` | {end[11:16]} | {int(n):,} | {wall} | {stop} | {ran} | {cpu} | {procs} "
              f"| {cov} | {res.strip()} |")
