#!/usr/bin/env python3
"""One results-table row per fuzz log written by tools/run_apps.sh (artifacts/logs/<t>.log).

    python3 fuzz/tools/summary.py fuzz/artifacts/logs/app_dns.log ...

Prints: target | duration | executions | exec/s | cov / ft (last status line) | corpus
(libFuzzer's, at the end) | new units | slowest unit | peak RSS | crashes (deadly signal,
panics, timeouts, OOM, leaks reported in the log).
"""
import re
import sys

for path in sys.argv[1:]:
    text = open(path, errors="replace").read()
    name = re.search(r"^== (\S+)", text, re.M)
    stat = dict(re.findall(r"^stat::(\w+):\s+(\d+)", text, re.M))
    done = re.search(r"^Done (\d+) runs in (\d+) second", text, re.M)
    last = re.findall(r"cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", text)
    crashes = len(re.findall(r"ERROR: libFuzzer: (deadly signal|timeout|out-of-memory)|"
                             r"ERROR: LeakSanitizer|panicked at", text))
    cov, ft, corp, size = last[-1] if last else ("?",) * 4
    print(f"| `{name.group(1) if name else path}` | {done.group(2) if done else '?'} s "
          f"| {int(stat.get('number_of_executed_units', 0)):,} "
          f"| {int(stat.get('average_exec_per_sec', 0)):,} | {cov} / {ft} | {corp} inputs, {size} "
          f"| {stat.get('new_units_added', '?')} | {stat.get('slowest_unit_time_sec', '?')} s "
          f"| {stat.get('peak_rss_mb', '?')} MB | {crashes} |")
