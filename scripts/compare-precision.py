#!/usr/bin/env python3
"""bf16 against fp32 on the same sweep runs (issue 29's quality comparison).

Usage: python3 scripts/compare-precision.py FP32 BF16 [--budgets 0.02,0.05,0.10]
       python3 scripts/compare-precision.py FOLDER      (one sweep whose methods run in both precisions: NAME@fp32, NAME@bf16)

FP32 and BF16 are each a sweep's trajectories.csv (one row per run and evaluation) or a sweep's output folder, whose
finished runs (runs/DOMAIN/nBUDGET/seedS/VARIANT/ with a report.json) are read from their metrics.jsonl, so a sweep
still running can be compared as far as it got. Rows pair by (domain, budget,
epoch_matched, seed, method, step); only the variants present in both are compared. Prints, per variant at its last
step, test S and D as mean +- sd over seeds in each precision and the paired bf16 - fp32 difference (mean, largest),
then the tuned choice in each precision: per method and D budget, the variant and step with the best seed-averaged
validation S within the budget of seed-averaged validation D (the rule of docs/sweep-report-bible.md), among the variants
both files hold, with its test S and D; runs without validation sets (the demo's) skip that table.
With one FOLDER, its variants NAME@fp32 and NAME@bf16 (sweeps/precision-demo.yaml: `precision: [fp32, bf16]` under a
method) are the two sides, paired as NAME.
"""
import csv, glob, json, os, statistics, sys
from collections import defaultdict

def read_folder(folder):
    rows = {}
    for report in glob.glob(os.path.join(folder, "runs", "*", "n*", "seed*", "*", "report.json")):
        run = os.path.dirname(report)
        parts = run.split(os.sep)
        domain, budget, seed, variant = parts[-4], parts[-3][1:], parts[-2][4:], parts[-1]
        for line in open(os.path.join(run, "metrics.jsonl")):
            e = json.loads(line)
            if e.get("type") != "eval":
                continue
            key = (domain, budget, "False", seed, variant, int(e["step"]))
            validation = "general_validation_ppl" in e and "domain_validation_base_ppl" in e
            rows[key] = {"specialization": e["specialization"], "degeneralization": e["degeneralization"],
                         "validation_specialization": 1 - e["domain_validation_ppl"] / e["domain_validation_base_ppl"] if validation else None,
                         "validation_degeneralization": e["general_validation_ppl"] / e["general_validation_base_ppl"] - 1 if validation else None}
    return rows

def read(path):
    if os.path.isdir(path):
        return read_folder(path)
    rows = {}
    for r in csv.DictReader(open(path)):
        key = (r["domain"], r["budget"], r["epoch_matched"], r["seed"], r["method"], int(r["step"]))
        rows[key] = {k: float(r[k]) for k in ("specialization", "degeneralization", "validation_specialization", "validation_degeneralization")}
    return rows

def ms(xs):
    return (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)

def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    budgets = [0.02, 0.05, 0.10]
    if "--budgets" in sys.argv:
        budgets = [float(b) for b in sys.argv[sys.argv.index("--budgets") + 1].split(",")]
        args = [a for a in args if a != sys.argv[sys.argv.index("--budgets") + 1]]
    if len(args) == 1:
        both = read_folder(args[0])
        fp32, bf16 = ({k[:4] + (k[4][:-len(suffix)],) + k[5:]: v for k, v in both.items() if k[4].endswith(suffix)} for suffix in ("@fp32", "@bf16"))
    else:
        fp32, bf16 = read(args[0]), read(args[1])
    common = sorted(set(fp32) & set(bf16))
    if not common:
        sys.exit("no run of one file pairs with a run of the other")
    runs = defaultdict(dict)   # (domain, budget, em, method) -> {seed: {step: key}}
    for k in common:
        runs[k[0], k[1], k[2], k[4]].setdefault(k[3], {})[k[5]] = k
    print("## Each variant at its last step: test S and D (%), mean +- sd over seeds; bf16 - fp32 paired by seed\n")
    print("| domain | budget | variant | seeds | S fp32 | S bf16 | D fp32 | D bf16 | ΔS mean (max abs) | ΔD mean (max abs) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (domain, budget, em, method), seeds in sorted(runs.items()):
        last = [steps[max(steps)] for steps in seeds.values()]
        s32 = [100 * fp32[k]["specialization"] for k in last]; s16 = [100 * bf16[k]["specialization"] for k in last]
        d32 = [100 * fp32[k]["degeneralization"] for k in last]; d16 = [100 * bf16[k]["degeneralization"] for k in last]
        ds = [b - a for a, b in zip(s32, s16)]; dd = [b - a for a, b in zip(d32, d16)]
        f = lambda xs: "%.2f ± %.2f" % ms(xs)
        print(f"| {domain} | {budget}{' (epochs)' if em == 'True' else ''} | {method} | {len(last)} | {f(s32)} | {f(s16)} | {f(d32)} | {f(d16)} | "
              f"{statistics.mean(ds):+.2f} ({max(map(abs, ds)):.2f}) | {statistics.mean(dd):+.2f} ({max(map(abs, dd)):.2f}) |")
    if any(fp32[k]["validation_specialization"] is None for k in common):
        return
    print("\n## The tuned choice in each precision (validation-chosen variant and step; test S / D, mean over seeds)\n")
    print("| domain | budget | method | D ≤ | fp32 choice | fp32 S / D | bf16 choice | bf16 S / D |")
    print("|---|---|---|---|---|---|---|---|")
    groups = defaultdict(list)   # (domain, budget, em, base method) -> variants
    for (domain, budget, em, method) in runs:
        groups[domain, budget, em, method.split("@")[0]].append(method)
    for (domain, budget, em, base), variants in sorted(groups.items()):
        for limit in budgets:
            cells = []
            for table in (fp32, bf16):
                best = None
                for v in variants:
                    seeds = runs[domain, budget, em, v]
                    steps = set.intersection(*(set(s) for s in seeds.values()))
                    for step in steps:
                        keys = [seeds[seed][step] for seed in seeds]
                        vs = statistics.mean(table[k]["validation_specialization"] for k in keys)
                        vd = statistics.mean(table[k]["validation_degeneralization"] for k in keys)
                        if vd <= limit and (best is None or vs > best[0]):
                            best = (vs, v, step, statistics.mean(100 * table[k]["specialization"] for k in keys),
                                    statistics.mean(100 * table[k]["degeneralization"] for k in keys))
                cells.append(("-", "-") if best is None else (f"{best[1]} step {best[2]}", f"{best[3]:.1f} / {best[4]:.2f}"))
            print(f"| {domain} | {budget}{' (epochs)' if em == 'True' else ''} | {base} | {limit:.0%} | {cells[0][0]} | {cells[0][1]} | {cells[1][0]} | {cells[1][1]} |")

main()
