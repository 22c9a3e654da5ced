#!/usr/bin/env python3
"""Independent check of the paper model on the bundled excerpt (standard library only).

Re-implements Shahrad et al.'s paper model and the histogram part of the hybrid policy from their
description (docs/simulator.md), replays every app of traces/azure2019/sample500_8h, and prints the totals
for fixed:10 and for hybrid (apps whose idle times go to the ARIMA branch are skipped and counted).
Compare with: ./forewarm simulate --trace traces/azure2019/sample500_8h --policy fixed:10 --policy hybrid
To compare per app, give the CSV `app,events,cold,wasted` that the Java side printed as argument 1.
Data: Azure Functions Trace 2019 (CC BY 4.0), Shahrad et al., USENIX ATC 2020.
"""
import collections
import csv
import math
import sys

TRACE = 'traces/azure2019/sample500_8h/'


def load():
    apps = collections.defaultdict(set)
    with open(TRACE + 'invocations.csv') as f:
        rows = csv.reader(f)
        minutes = [int(x) for x in next(rows)[4:]]
        for row in rows:
            for m, c in zip(minutes, row[4:]):
                if int(c) > 0:
                    apps[row[0] + '/' + row[1]].add(m)
    return apps, minutes[-1] + 1


def fixed(k):
    return lambda its: (0, k)


def hybrid(its, rng=240, head_p=5, tail_p=99, margin=0.1, cv_min=2, oob_max=0.5, min_its=10):
    """(prewarm, keep-alive) after the idle times `its`, or None when the ARIMA branch applies."""
    inside = [i for i in its if i < rng]
    if its and (len(its) - len(inside)) / len(its) > oob_max:
        return None
    if len(its) < min_its:
        return 0, rng
    bins = [0] * rng
    for i in inside:
        bins[i] += 1
    mean = sum(bins) / rng
    sd = math.sqrt(sum((b - mean) ** 2 for b in bins) / rng)
    if mean == 0 or sd / mean < cv_min:
        return 0, rng

    def percentile_bin(p):
        need, seen = p / 100 * len(inside), 0
        for i, b in enumerate(bins):
            seen += b
            if b and seen >= need:
                return i

    pre = math.floor((1 - margin) * percentile_bin(head_p))
    end = math.ceil((1 + margin) * (percentile_bin(tail_p) + 1))
    return pre, end - pre


def replay(events, horizon_end, policy):
    its, window, cold, wasted = [], None, 0, 0
    for i, m in enumerate(events):
        if window is None:
            cold += 1
        else:
            it, (p, k) = m - events[i - 1], window
            cold += not (it <= k if p == 0 else p <= it <= p + k)
            wasted += max(0, min(p + k, it - 1) - max(1, p) + 1)
            its.append(it)
        window = policy(its)
        if window is None:
            return None
    p, k = window
    wasted += max(0, min(p + k, horizon_end - events[-1] - 1) - max(1, p) + 1)
    return len(events), cold, wasted


def main():
    apps, end = load()
    java = {}
    if len(sys.argv) > 1:
        java = {r[0]: tuple(map(int, r[1:])) for r in csv.reader(open(sys.argv[1]))}
    for name, policy in (('fixed:10', fixed(10)), ('hybrid', hybrid)):
        totals, skipped, mismatched = [0, 0, 0], 0, 0
        for app, minutes in apps.items():
            r = replay(sorted(minutes), end, policy)
            if r is None:
                skipped += 1
                continue
            totals = [a + b for a, b in zip(totals, r)]
            mismatched += bool(java) and name == 'hybrid' and java.get(app) != r
        print(f'{name}: apps {len(apps) - skipped} (skipped, ARIMA: {skipped}) events {totals[0]} '
              f'cold {totals[1]} wasted instance-minutes {totals[2]}'
              + (f' per-app mismatches {mismatched}' if java and name == 'hybrid' else ''))


if __name__ == '__main__':
    main()
