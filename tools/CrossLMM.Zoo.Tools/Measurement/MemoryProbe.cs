using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace CrossLMM.Zoo.Tools.Measurement;

/// <summary>
/// Resident memory of this process from Linux's <c>/proc/self/status</c>: the current RSS (<c>VmRSS</c>) and
/// its high-water mark (<c>VmHWM</c>), which <see cref="ResetPeak"/> lowers to the current RSS by writing
/// <c>5</c> to <c>/proc/self/clear_refs</c>. RSS counts native (libtorch) and managed memory alike, which is
/// what a prefill costs this machine. Elsewhere (no /proc) every reading is null.
/// <para>glibc keeps freed memory in its heap (its mmap threshold grows after large frees), so RSS after a
/// warm-up already holds the pages the next pass reuses: <see cref="Trim"/> (<c>malloc_trim(0)</c>) hands them
/// back first, so the high-water mark of the next pass measures what the pass itself needs.</para>
/// </summary>
public static class MemoryProbe
{
    private const string Status = "/proc/self/status";
    private const string ClearRefs = "/proc/self/clear_refs";

    /// <summary>Current resident set size in bytes, or null where /proc is missing.</summary>
    public static long? CurrentRss() => Read("VmRSS:");

    /// <summary>Peak resident set size in bytes since start or the last successful <see cref="ResetPeak"/>, or null.</summary>
    public static long? PeakRss() => Read("VmHWM:");

    /// <summary>Resets the peak to the current RSS; false where the kernel refuses (then the peak is since process start).</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText(ClearRefs, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>Returns free heap memory to the OS (glibc <c>malloc_trim(0)</c>); false where unavailable (not glibc).</summary>
    public static bool Trim()
    {
        try
        {
            MallocTrim(UIntPtr.Zero);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(UIntPtr pad);

    private static long? Read(string key)
    {
        try
        {
            foreach (var line in File.ReadLines(Status))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var parts = line[key.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture) * 1024;   // kB
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }
}
