using System;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CrossLMM.Zoo.Engine.Native;

/// <summary>
/// Keeps freed native memory for reuse: glibc malloc tuning, applied once by <see cref="TorchNativeLoader"/>.
/// <para>libtorch's CPU tensors come from malloc. glibc maps a large block with its own mmap and unmaps it on
/// free (above a threshold that starts at 128 KB and adapts up to 32 MB), and returns free memory at the top of
/// the heap to the system once more than twice that threshold is free; memory obtained again is faulted in and
/// zeroed by the kernel page by page. TorchSharp model code frees a forward pass's intermediates when its
/// dispose scope ends, so many large blocks are freed together, the heap is trimmed, and the next layer faults
/// them in again (the issue that moved the zoo onto TorchSharp measured 19 s of system time against 3 s).</para>
/// <para>So, once: <c>M_MMAP_THRESHOLD</c> = 32 MB (glibc's maximum, which also stops the adaptation: every
/// block below it comes from the heap and is reused there) and <c>M_TRIM_THRESHOLD</c> = 1 GB (that much free
/// heap stays mapped for the next allocation). The process keeps its high-water mark of native memory, as a
/// caching allocator does. Opt out with <c>CROSSLMM_MALLOC=default</c>; set the trim threshold with
/// <c>CROSSLMM_MALLOC_TRIM_MB=N</c>. A process-wide setting: it applies to every malloc of the process.</para>
/// </summary>
public static class NativeMemoryTuning
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);

    /// <summary>The trim threshold set, in bytes, or -1 when glibc's defaults are in force (not applied, opted out, or not glibc).</summary>
    public static long TrimThreshold { get; private set; } = -1;

    /// <summary>Applies the tuning (idempotent). Returns the trim threshold set, or -1.</summary>
    internal static long Apply()
    {
        if (TrimThreshold >= 0 || !OperatingSystem.IsLinux()) return TrimThreshold;
        if (Environment.GetEnvironmentVariable("CROSSLMM_MALLOC") == "default") return -1;
        long trim = 1L << 30;
        var mb = Environment.GetEnvironmentVariable("CROSSLMM_MALLOC_TRIM_MB");
        if (long.TryParse(mb, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 2047)
        {
            trim = v << 20;
        }

        try
        {
            if (Mallopt(MMmapThreshold, 32 << 20) == 1 && Mallopt(MTrimThreshold, (int)Math.Min(trim, int.MaxValue)) == 1)
            {
                TrimThreshold = Math.Min(trim, int.MaxValue);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no mallopt): nothing to tune.
        }

        return TrimThreshold;
    }
}
