#!/usr/bin/python3
"""Measures PyTorch reference cases for the C# benchmark run (called by bench/CrossLMM.Bench).

usage: /usr/bin/python3 bench/reference/run.py --json OUT [--cases id,id] [--threads N] [--blas-threads N] [--quick] [--list]

Each case: warm up, calibrate a call count so one timed batch lasts at least --min-time seconds, then time
--repeats batches with time.perf_counter; report per-operation min and median in nanoseconds.
--threads sets torch's intra-op threads; --blas-threads sets the BLAS library's own pool (OpenBLAS runs its
own pthreads for GEMM, which torch.set_num_threads does not reach), as the C# side does for itself.
"""
import argparse
import ctypes
import importlib
import json
import pathlib
import platform
import statistics
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import torch  # noqa: E402
from registry import CHECKS, REGISTRY  # noqa: E402


def load_cases():
    for path in sorted(HERE.glob("*_cases.py")):
        importlib.import_module(path.stem)


def blas_libraries():
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "/" in line}
    except OSError:
        return []
    keys = ("blas", "mkl", "blis", "lapack")
    return sorted(p for p in paths if any(k in p.rsplit("/", 1)[-1].lower() for k in keys))


def openblas():
    """The loaded OpenBLAS (ctypes), or None."""
    for path in blas_libraries():
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_num_threads  # noqa: B018 (raises AttributeError when absent)
            return lib
        except (OSError, AttributeError):
            continue
    return None


def timed(fn, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return time.perf_counter() - t0


def measure(fn, ops, min_time, repeats, warmup):
    for _ in range(warmup):
        fn()
    calls = 1
    while True:
        t = timed(fn, calls)
        if t >= min_time:
            break
        calls = max(calls * 2, int(calls * min_time / max(t, 1e-9) * 1.1) + 1)
    per_op = [timed(fn, calls) / (calls * ops) * 1e9 for _ in range(repeats)]
    return {"min_ns": min(per_op), "median_ns": statistics.median(per_op), "repeats": repeats,
            "calls_per_repeat": calls, "ops_per_call": ops}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--json", required=False)
    p.add_argument("--cases", default="")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--blas-threads", type=int, default=0)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--list", action="store_true")
    p.add_argument("--loop", type=int, default=0, help="run each case N times in a plain loop and print per-op wall/CPU time")
    args = p.parse_args()
    load_cases()
    if args.list:
        print("\n".join(sorted(REGISTRY)))
        return
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    blas = openblas()
    if args.blas_threads > 0:
        if blas is None:
            sys.exit("--blas-threads: the BLAS loaded by torch is not OpenBLAS")
        blas.openblas_set_num_threads(args.blas_threads)
    wanted = [c for c in args.cases.split(",") if c] or sorted(REGISTRY)
    unknown = [c for c in wanted if c not in REGISTRY]
    if unknown:
        sys.exit(f"unknown reference case(s): {', '.join(unknown)} (known: {', '.join(sorted(REGISTRY))})")
    min_time, repeats, warmup = (0.05, 5, 2) if args.quick else (0.25, 15, 5)
    if args.loop > 0:
        import resource
        for case_id in wanted:
            setup, ops = REGISTRY[case_id]
            fn = setup()
            fn()
            walls = []
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            for _ in range(args.loop):
                t = time.perf_counter()
                fn()
                walls.append((time.perf_counter() - t) / ops * 1e3)
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            walls.sort()
            cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) / (args.loop * ops) * 1e3
            print(f"{case_id}: wall min {walls[0]:.3f} ms, median {walls[len(walls) // 2]:.3f} ms; CPU {cpu:.3f} ms/op; "
                  f"minor faults {(r1.ru_minflt - r0.ru_minflt) / (args.loop * ops):.0f}/op")
        return
    results = {}
    for case_id in wanted:
        setup, ops = REGISTRY[case_id]
        results[case_id] = measure(setup(), ops, min_time, repeats, warmup)
        print(f"  {case_id}: median {results[case_id]['median_ns']:.0f} ns/op", file=sys.stderr)
    report = {
        "torch_version": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "blas_threads": blas.openblas_get_num_threads() if blas is not None else -1,
        "blas": blas_libraries(),
        "cases": results,
        "checks": CHECKS,
    }
    text = json.dumps(report, indent=2)
    if args.json:
        pathlib.Path(args.json).write_text(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
