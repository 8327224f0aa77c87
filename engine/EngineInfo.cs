using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using CrossLMM.Zoo.Engine.Native;
using TorchSharp;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Facts about the engine this process runs on, for benchmark headers and reports: TorchSharp's and libtorch's
/// versions, the thread counts, and how native memory is managed.
/// </summary>
public static class EngineInfo
{
    /// <summary>TorchSharp's package version (e.g. "0.107.0").</summary>
    public static string TorchSharpVersion => Metadata("TorchSharpVersion");

    /// <summary>The TorchSharp package the zoo was built with ("TorchSharp" with libtorch-cpu-linux-x64, or a CUDA bundle).</summary>
    public static string TorchSharpPackage => Metadata("TorchSharpPackage");

    /// <summary>The libtorch version TorchSharp runs (e.g. "2.10.0").</summary>
    public static string LibtorchVersion
    {
        get
        {
            TorchNativeLoader.EnsureLoaded();
            // TorchSharp reports four components ("2.10.0.0"); libtorch's own version has three.
            var parts = torch.__version__.Split('.');
            return string.Join('.', parts.Take(3));
        }
    }

    /// <summary>One line for report headers: "TorchSharp 0.107.0, libtorch 2.10.0 (CPU)".</summary>
    public static string Describe() =>
        $"TorchSharp {TorchSharpVersion}, libtorch {LibtorchVersion} ({(torch.cuda.is_available() ? "CUDA available" : "CPU")})";

    /// <summary>
    /// libtorch's intra-op thread count: element-wise kernels, reductions and the GEMMs (libtorch's CPU build
    /// links MKL, which runs on the same OpenMP threads).
    /// </summary>
    public static int IntraOpThreads
    {
        get
        {
            TorchNativeLoader.EnsureLoaded();
            return torch.get_num_threads();
        }
    }

    /// <summary>Sets libtorch's intra-op thread count (PyTorch's <c>torch.set_num_threads</c>).</summary>
    /// <param name="threads">≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> &lt; 1.</exception>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchNativeLoader.EnsureLoaded();
        torch.set_num_threads(threads);
    }

    /// <summary>
    /// The BLAS behind libtorch's CPU GEMMs: the libtorch-cpu packages link Intel MKL statically into
    /// libtorch_cpu.so (its <c>cblas_sgemm_*</c> and <c>mkl_serv_*</c> symbols are there), running on libtorch's
    /// intra-op OpenMP threads, so <see cref="IntraOpThreads"/> is also the BLAS thread count.
    /// </summary>
    public const string Blas = "MKL (linked into libtorch_cpu)";

    /// <summary>The libtorch and TorchSharp libraries mapped into this process, as full paths (Linux; empty elsewhere).</summary>
    public static IReadOnlyList<string> NativeLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return Array.Empty<string>();
        return File.ReadLines(maps)
            .Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : null)
            .Where(p => p is not null && (Path.GetFileName(p).StartsWith("libtorch", StringComparison.Ordinal)
                || Path.GetFileName(p).StartsWith("libc10", StringComparison.Ordinal) || Path.GetFileName(p).StartsWith("libLibTorchSharp", StringComparison.Ordinal)))
            .Select(p => p!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// How glibc's malloc was tuned at load (<see cref="NativeMemoryTuning"/>): the trim threshold in bytes, or
    /// -1 when glibc's defaults are in force.
    /// </summary>
    public static long MallocTrimThreshold => NativeMemoryTuning.TrimThreshold;

    private static string Metadata(string key) =>
        typeof(EngineInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value ?? "unknown";
}
