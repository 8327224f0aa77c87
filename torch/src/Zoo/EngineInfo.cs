using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Native;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Facts about the native engine this process runs on, for benchmark headers and sanity tests: libtorch's
/// version, its thread count, and which BLAS is really loaded (with Debian's reference BLAS a matmul is
/// ~25x slower than with OpenBLAS, so benchmarks must say which one they measured).
/// </summary>
public static class EngineInfo
{
    /// <summary>The libtorch version the shim was built against (e.g. "1.13.1").</summary>
    public static string LibtorchVersion => Marshal.PtrToStringUTF8(NativeMethods.zt_version()) ?? "unknown";

    /// <summary>libtorch's intra-op thread count (element-wise kernels, reductions; OpenBLAS has its own threads).</summary>
    public static int IntraOpThreads => torch.get_num_threads();

    /// <summary>
    /// The BLAS library's own thread count (OpenBLAS runs its own pthreads for GEMM, one per CPU by default,
    /// which <c>torch.set_num_threads</c> does not change — in PyTorch either), or -1 when the loaded BLAS
    /// cannot report it (not OpenBLAS).
    /// </summary>
    public static int BlasThreads => NativeMethods.zt_blas_get_num_threads();

    /// <summary>
    /// How the engine tuned glibc's malloc at load (torch/native/src/alloc.cpp): the top-of-heap trim threshold in
    /// bytes (freed memory up to this much stays mapped and is reused without page faults; blocks up to 32 MB come
    /// from the heap), or -1 when glibc's defaults are in force (<c>CROSSLMM_MALLOC=default</c>, or not glibc).
    /// </summary>
    public static long MallocTrimThreshold => NativeMethods.zt_malloc_trim_threshold();

    /// <summary>
    /// Sets the BLAS library's thread count (OpenBLAS' <c>openblas_set_num_threads</c>), e.g. to run GEMMs on
    /// exactly the threads a benchmark states.
    /// </summary>
    /// <param name="threads">≥ 1.</param>
    /// <exception cref="ExternalException">The loaded BLAS has no thread setter (not OpenBLAS), or threads &lt; 1.</exception>
    public static void SetBlasThreads(int threads) => NativeError.Check(NativeMethods.zt_blas_set_num_threads(threads));

    /// <summary>
    /// Shared libraries mapped into this process whose file name mentions a BLAS or LAPACK implementation
    /// (libblas, libopenblas, libmkl, libblis, libcblas, liblapack), as full paths, deduplicated. Linux only
    /// (reads /proc/self/maps); empty elsewhere.
    /// </summary>
    public static IReadOnlyList<string> BlasLibraries()
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return Array.Empty<string>();
        return File.ReadLines(maps)
            .Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : null)
            .Where(p => p is not null && IsBlas(Path.GetFileName(p)))
            .Select(p => p!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static bool IsBlas(string file) =>
        new[] { "blas", "mkl", "blis", "lapack" }.Any(k => file.Contains(k, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A one-word name of the BLAS in use: "OpenBLAS" when an OpenBLAS library is mapped (Debian's
    /// libopenblas0-pthread installs its libblas.so.3 under an openblas folder), "MKL", "BLIS", "reference"
    /// for Debian's reference libblas, or "unknown".
    /// </summary>
    public static string BlasName()
    {
        var libs = BlasLibraries();
        if (libs.Any(l => l.Contains("openblas", StringComparison.OrdinalIgnoreCase))) return "OpenBLAS";
        if (libs.Any(l => l.Contains("mkl", StringComparison.OrdinalIgnoreCase))) return "MKL";
        if (libs.Any(l => l.Contains("blis", StringComparison.OrdinalIgnoreCase))) return "BLIS";
        if (libs.Any(l => Path.GetFileName(l).StartsWith("libblas", StringComparison.Ordinal))) return "reference";
        return "unknown";
    }
}
