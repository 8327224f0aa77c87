using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using CrossLMM.Zoo.Engine;

namespace CrossLMM.Bench;

/// <summary>
/// <c>--loop N</c>: runs the selected C# cases in a plain loop, without BenchmarkDotNet, and prints per
/// operation the wall time (min, median), the process CPU time, minor page faults, managed allocations, GC
/// collections and native tensors left alive — a quick way to see what a change does, and a steady target
/// for a profiler (<c>perf record -g</c>, <c>valgrind --tool=callgrind</c>).
/// </summary>
public interface IModuleCase
{
    /// <summary>The module the case runs (after its setup), for per-module timing.</summary>
    TorchSharp.torch.nn.Module? Module { get; }
}

public static class LoopRun
{
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeVal { public long Sec, Usec; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public TimeVal Utime, Stime;
        public long Maxrss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);

    private static (double Cpu, long Faults) Usage()
    {
        if (!OperatingSystem.IsLinux() || GetRUsage(0, out var r) != 0) return (double.NaN, 0);
        return (r.Utime.Sec + r.Utime.Usec * 1e-6 + r.Stime.Sec + r.Stime.Usec * 1e-6, r.Minflt);
    }

    public static void Run(IReadOnlyList<BenchCase> cases, int iterations, TextWriter log, int sectionsDepth = -1)
    {
        foreach (var c in cases) {
            var instance = Activator.CreateInstance(c.Type)!;
            var setups = c.Type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is { } a
                && (a.Targets is not { Length: > 0 } || a.Targets.Contains(c.Method.Name))).ToList();
            foreach (var s in setups) s.Invoke(instance, null);
            var run = c.Method.CreateDelegate<Action>(instance);
            run();   // warm-up (JIT, first-touch allocations)
            var wall = new double[iterations];
            var live = NativeTensors.Live;
            var gcs = Enumerable.Range(0, 3).Select(GC.CollectionCount).ToArray();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var (cpu0, faults0) = Usage();
            for (var i = 0; i < iterations; i++) {
                var sw = Stopwatch.StartNew();
                run();
                wall[i] = sw.Elapsed.TotalMilliseconds / c.OperationsPerInvoke;
            }
            var (cpu1, faults1) = Usage();
            var perOp = (double)iterations * c.OperationsPerInvoke;
            Array.Sort(wall);
            log.WriteLine($"{c.Name}: wall min {wall[0]:F3} ms, median {wall[iterations / 2]:F3} ms; " +
                $"CPU {(cpu1 - cpu0) / perOp * 1e3:F3} ms/op; minor faults {(faults1 - faults0) / perOp:F0}/op; " +
                $"managed {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / perOp:F0} B/op; " +
                $"GC gen0/1/2 {string.Join("/", Enumerable.Range(0, 3).Select(g => GC.CollectionCount(g) - gcs[g]))}; " +
                $"native tensors left {NativeTensors.Live - live}");
            if (sectionsDepth >= 0 && instance is IModuleCase { Module: { } module }) {
                using (var timer = ModuleTimer.Start(module)) {
                    run();
                    timer.Stop();
                    log.WriteLine(timer.ToTable(sectionsDepth));
                }
            }
            foreach (var m in c.Type.GetMethods().Where(m => m.IsDefined(typeof(GlobalCleanupAttribute)))) m.Invoke(instance, null);
        }
    }
}
