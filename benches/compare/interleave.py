#!/usr/bin/env python3
"""Times commands run in turn, round after round, so that each sees the same drift of a noisy
machine (hyperfine runs one command after the other). Usage:
    python3 benches/compare/interleave.py ROUNDS CMD [CMD...]
Prints the median, mean, 10th and 90th percentile wall time of each (3 warm-up rounds)."""
import os, sys, time, statistics, shlex

rounds = int(sys.argv[1]); cmds = [shlex.split(c) for c in sys.argv[2:]]
devnull = os.open('/dev/null', os.O_WRONLY)
times = [[] for _ in cmds]
fa = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
for r in range(rounds + 3):
    for i, c in enumerate(cmds):
        t = time.perf_counter()
        pid = os.posix_spawnp(c[0], c, os.environ, file_actions=fa)
        os.waitpid(pid, 0)
        dt = time.perf_counter() - t
        if r >= 3: times[i].append(dt * 1e3)
for c, t in zip(sys.argv[2:], times):
    t.sort()
    print('%-70s median %6.2f  mean %6.2f  p10 %6.2f  p90 %6.2f' % (c[:70], statistics.median(t), statistics.mean(t), t[len(t)//10], t[len(t)*9//10]))
