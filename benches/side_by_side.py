#!/usr/bin/env python3
"""The side-by-side comparison of docs/PERFORMANCE.md in one command: valuecase against the numpy
peer (benches/numpy_peer.py) on the same model, the same trials and the same machine, with the
performance targets checked and every run shown.

Each round runs the peer, then `valuecase run scenarios/bench-peer.toml` (board pack included),
each after a pause, as a user's runs are: on virtual machines, memory one process frees goes
back to the host within about a second, and a run that starts straight after another is faster
than a user's would be. Wall time is compared best against best and median against median;
memory is peak resident set size. The peer's mean NPV is read from the array it passes to
`np.percentile` (it prints only percentiles).

    python3 benches/side_by_side.py                  # 1,000,000 trials, 3 rounds (~2 minutes)
    python3 benches/side_by_side.py --scaling        # + threads, trials and months
    python3 benches/side_by_side.py --floor          # + the engine against its floor (criterion)

Needs numpy and a release build (`cargo build --release`). Prints Markdown.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "bench-peer.toml"
PEER = ROOT / "benches" / "numpy_peer.py"

# Runs the peer unchanged, noting the mean of the first one-dimensional array it passes to
# np.percentile: its NPV vector.
PEER_WITH_MEAN = """
import runpy, sys
import numpy as np
seen, percentile = [], np.percentile
def noting_the_mean(a, q, *args, **kw):
    if np.ndim(a) == 1 and not seen:
        seen.append(float(np.mean(a)))
    return percentile(a, q, *args, **kw)
np.percentile = noting_the_mean
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
print("npv_mean=%r" % seen[0])
"""


def timed(argv, env=None, pause=3.0):
    """Run `argv` after `pause` seconds; return wall, user and system seconds, peak MB, output."""
    time.sleep(pause)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        # wait4 reports this child's own resource usage (getrusage would add up all children).
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode(), err.read().decode()
    if status != 0:
        code = os.waitstatus_to_exitcode(status)
        sys.exit(f"error: `{' '.join(map(str, argv))}` failed ({code}):\n{errors}")
    return {
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "out": text,
    }


def best_and_median(runs):
    values = [r["wall"] for r in runs]
    return min(values), statistics.median(values)


def fmt_runs(runs):
    return ", ".join(f"{r['wall']:.2f}" for r in runs)


def fmt_cpu(runs):
    return ", ".join(f"{r['user'] + r['sys']:.2f}" for r in runs)


def check(ok):
    return "met" if ok else "**not met**"


def side_by_side(args, vc):
    peer_runs, vc_runs = [], []
    started = time.gmtime()
    with tempfile.TemporaryDirectory(prefix="valuecase-side-by-side-") as out_dir:
        for r in range(args.rounds):
            print(f"round {r + 1} of {args.rounds}: peer ...", file=sys.stderr)
            peer_runs.append(
                timed([sys.executable, "-c", PEER_WITH_MEAN, str(PEER), str(args.trials)],
                      pause=args.pause)
            )
            print(f"round {r + 1} of {args.rounds}: valuecase ...", file=sys.stderr)
            vc_runs.append(
                timed([vc, "run", SCENARIO, "--trials", str(args.trials), "--quiet",
                       "--out", out_dir], pause=args.pause)
            )
        results = json.loads((Path(out_dir) / "results.json").read_text())

    peer_fields = dict(re.findall(r"(\w+)=(\S+)", peer_runs[-1]["out"]))
    (pb, pm), (vb, vm) = best_and_median(peer_runs), best_and_median(vc_runs)
    peer_mb, vc_mb = max(r["mb"] for r in peer_runs), max(r["mb"] for r in vc_runs)

    print(f"## Side by side: {args.trials:,} trials of `bench-peer.toml`, "
          f"started {time.strftime('%Y-%m-%d %H:%M UTC', started)}\n")
    version = subprocess.run([vc, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"Machine: {machine()}. Binary: {version} ({vc}).\n")
    print("| | wall, best (runs) | CPU, best run (user + system) | peak memory |")
    print("| --- | --- | --- | --- |")
    for name, runs, mb in (("numpy peer", peer_runs, peer_mb), ("valuecase run", vc_runs, vc_mb)):
        fastest = min(runs, key=lambda r: r["wall"])
        print(f"| {name} | {fastest['wall']:.2f} s ({fmt_runs(runs)}) "
              f"| {fastest['user']:.2f} + {fastest['sys']:.2f} s | {mb:,.0f} MB |")

    agree = [
        ("P50 NPV", float(peer_fields["npv_p50"]), results["npv"]["p50"], "rel", 0.01),
        ("mean NPV", float(peer_fields["npv_mean"]), results["npv"]["mean"], "rel", 0.01),
        ("P50 payback (months)", float(peer_fields["payback_p50"]),
         results["payback_months"]["p50"], "abs", 0.2),
    ]
    print("\n| target | result | status |")
    print("| --- | --- | --- |")
    print(f"| wall ≤ 1/25 of the peer's | best against best 1/{pb / vb:.1f}, "
          f"median against median 1/{pm / vm:.1f} | {check(vb * 25 <= pb)} |")
    print(f"| peak memory ≤ 5% of the peer's | {100 * vc_mb / peer_mb:.1f}% "
          f"({vc_mb:,.0f} MB against {peer_mb:,.0f} MB) | {check(vc_mb <= 0.05 * peer_mb)} |")
    for name, p, v, kind, limit in agree:
        if v is None:  # no trial paid back (valuecase writes null)
            print(f"| {name} | peer {p}, valuecase none | {check(False)} |")
            continue
        if kind == "rel":
            diff = (v - p) / abs(p)
            text, ok = f"peer {p:,.0f}, valuecase {v:,.0f}: {100 * diff:+.2f}%", abs(diff) <= limit
            bound = f"within {100 * limit:.0f}%"
        else:
            diff = v - p
            text, ok = f"peer {p:.2f}, valuecase {v:.2f}: {diff:+.3f}", abs(diff) <= limit
            bound = f"within {limit}"
        print(f"| {name} {bound} | {text} | {check(ok)} |")
    print()


def scaling(args, vc):
    # Two threads throughout: the trial and month checks compare with the two-thread runs.
    one, two, small, long = [], [], [], []
    n = args.trials
    with tempfile.TemporaryDirectory(prefix="valuecase-scaling-") as out_dir:
        months_120 = Path(out_dir) / "bench-peer-120-months.toml"
        text = SCENARIO.read_text()
        months_120.write_text(re.sub(r"(?m)^horizon_months = 60$", "horizon_months = 120", text))

        def runs(scenario, trials, threads=2):
            env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
            argv = [vc, "run", scenario, "--trials", str(trials), "--quiet", "--no-charts",
                    "--out", Path(out_dir) / "out"]
            return timed(argv, env=env, pause=args.pause)

        for r in range(args.rounds):
            print(f"scaling, round {r + 1} of {args.rounds} ...", file=sys.stderr)
            one.append(runs(SCENARIO, n, threads=1))
            two.append(runs(SCENARIO, n))
            small.append(runs(SCENARIO, n // 10))
            long.append(runs(months_120, n))

    # (target, slower runs, faster runs, whether the ratio of their best runs meets it, unit)
    rows = [
        ("2 threads ≥ 1.8× 1 thread", one, two, lambda r: r >= 1.8, "{:.2f}× faster"),
        ("10× trials ≤ 11× time", two, small, lambda r: r <= 11, "{:.1f}× the time"),
        ("2× months ≤ 2.2× time", long, two, lambda r: r <= 2.2, "{:.2f}× the time"),
    ]
    rounds = f"{args.rounds} alternated round" + ("s" if args.rounds > 1 else "")
    print(f"## Scaling (`--no-charts`, whole process, {rounds})\n")
    print("| target | runs, wall (s) | best against best, median against median | status "
          "| CPU of the runs, user + system (s) |")
    print("| --- | --- | --- | --- | --- |")
    for name, a, b, ok, unit in rows:
        (ab, am), (bb, bm) = best_and_median(a), best_and_median(b)
        ratio_b, ratio_m = ab / bb, am / bm
        print(f"| {name} | {fmt_runs(a)} against {fmt_runs(b)} | "
              f"{unit.format(ratio_b)}, {unit.format(ratio_m)} | {check(ok(ratio_b))} "
              f"| {fmt_cpu(a)} against {fmt_cpu(b)} |")
    print("\nThe same work should take the same CPU time: where the two-thread runs needed "
          "clearly more CPU than the one-thread runs, the machine ran slower with both of its "
          "CPUs busy, and the thread ratio shows that as much as the program.")
    print()


def floor(args):
    print("floor: cargo bench --bench engine (about a minute) ...", file=sys.stderr)
    subprocess.run(
        ["cargo", "bench", "--bench", "engine", "--", "--warm-up-time", "1",
         "--measurement-time", "6", "100k trials"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    group = ROOT / "target" / "criterion" / "100k trials (bench-peer)"

    def median_ms(name):
        estimates = json.loads((group / name / "new" / "estimates.json").read_text())
        return estimates["median"]["point_estimate"] / 1e6

    print("## The engine against its floor (criterion medians, 100,000 trials)\n")
    print("| threads | engine | drawing the inputs only (the floor) | engine ÷ floor "
          "| target ≤ 2× | the model's own work (drawing, evaluating, IRR) "
          "| engine ÷ the model's own work |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for threads in ("1 thread", "all threads"):
        e = median_ms(f"engine, {threads}")
        d = median_ms(f"draw inputs only (floor), {threads}")
        m = median_ms(f"model only (draw, evaluate, IRR), {threads}")
        print(f"| {threads} | {e:.1f} ms | {d:.1f} ms | {e / d:.1f}× | {check(e <= 2 * d)} "
              f"| {m:.1f} ms | {e / m:.2f}× |")
    print("\nThe last two columns are not the issue's target: they show how much the engine adds "
          "(fan sketches, per-trial table, parallel bookkeeping) to the work of the model itself.")
    print()


def machine():
    model = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} CPUs, {model}; load average {load:.2f} at the start"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=1_000_000,
                        help="trials per run (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each program, alternated (default 3)")
    parser.add_argument("--pause", type=float, default=3.0,
                        help="seconds before each run (default 3)")
    parser.add_argument("--valuecase", default=str(ROOT / "target" / "release" / "valuecase"),
                        help="the binary (default: the release build)")
    parser.add_argument("--scaling", action="store_true",
                        help="also check threads, trials and months")
    parser.add_argument("--floor", action="store_true",
                        help="also run the criterion benchmark of the engine against its floor")
    args = parser.parse_args()
    if args.trials < 10 or args.rounds < 1:
        parser.error("--trials must be at least 10 and --rounds at least 1")
    if not Path(args.valuecase).is_file():
        parser.error(f"no valuecase binary at {args.valuecase}: run `cargo build --release`")
    try:
        import numpy  # noqa: F401  (the peer needs it)
    except ImportError:
        parser.error("the peer needs numpy: pip install numpy")

    side_by_side(args, args.valuecase)
    if args.scaling:
        scaling(args, args.valuecase)
    if args.floor:
        floor(args)


if __name__ == "__main__":
    main()
