using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace CrossLMM.Zoo.Engine.Native;

/// <summary>
/// Loads TorchSharp's native libraries so that they work on this machine, before TorchSharp's own loader runs.
/// Call <see cref="EnsureLoaded"/> once, before the first <c>torch</c> call (the <c>zoo</c> CLI, every test
/// assembly, the benchmarks and the notebooks' first cell do; so does loading the zoo's modules assembly).
/// <para><b>The Debian 12 problem.</b> TorchSharp's C++ glue, <c>libLibTorchSharp.so</c>, was built with GCC 13
/// and requires the symbol version <c>GLIBCXX_3.4.32</c>, which Debian 12's libstdc++ (GCC 12, up to 3.4.30)
/// lacks; the load fails and TorchSharp reports that no libtorch package is referenced. Exactly one symbol
/// carries that version, <c>std::ios_base_library_init()</c>, and nothing in the library calls it (GCC 13's
/// <c>&lt;iostream&gt;</c> only references it to pull libstdc++'s stream initialiser into the link, which an
/// older libstdc++ runs by itself). So the requirement can be made weak (<c>VER_FLG_WEAK</c>) and that symbol
/// unversioned, on a copy.</para>
/// <para><b>What this does.</b> (1) Finds the natives TorchSharp will use: beside TorchSharp.dll or the app
/// (<c>runtimes/linux-x64/native</c>), else in the NuGet packages folder (a .NET Interactive kernel).
/// (2) Loads that libtorch by absolute path first, so that a system libtorch (Debian's <c>libtorch-dev</c>,
/// 1.13) can never be picked up by name in its place. (3) Reads the libstdc++ this process uses: if it defines
/// every version the glue requires, loads the glue unchanged and touches nothing. Otherwise, if the only missing
/// version is <c>GLIBCXX_3.4.32</c>, loads a patched copy from a cache keyed by the TorchSharp version and the
/// SHA-256 of the original (built once, atomically; the original, which output folders hard-link to the NuGet
/// cache, is never written). (4) Verifies by initialising TorchSharp. TorchSharp's own loader then finds the
/// glue already loaded under its soname.</para>
/// </summary>
public static class TorchNativeLoader
{
    /// <summary>The symbol version the loader knows how to do without.</summary>
    public const string FixableVersion = "GLIBCXX_3.4.32";

    private const string GlueFile = "libLibTorchSharp.so";
    private const string LibtorchFile = "libtorch.so";
    private const string LibtorchCpuFile = "libtorch_cpu.so";

    private static readonly object s_gate = new();
    private static TorchNativeReport? s_report;

    /// <summary>What <see cref="EnsureLoaded"/> did, or null before it ran (or where it has nothing to do).</summary>
    public static TorchNativeReport? Report => s_report;

    /// <summary>
    /// Makes TorchSharp's natives load in this process (idempotent and thread-safe). On platforms other than
    /// Linux it only initialises TorchSharp.
    /// </summary>
    /// <returns>Where the natives came from and whether the libstdc++ fix was needed.</returns>
    /// <exception cref="TorchNativeException">The natives cannot be found or loaded; the message says what is
    /// missing and how to fix it.</exception>
    public static TorchNativeReport EnsureLoaded()
    {
        lock (s_gate)
        {
            if (s_report is not null) return s_report;
            if (!OperatingSystem.IsLinux())
            {
                OpenMpSettings.Apply();
                Initialise(null);
                return s_report = new TorchNativeReport(null, null, null, false, null);
            }

            NativeMemoryTuning.Apply();
            OpenMpSettings.Apply();
            var natives = TorchSharpNatives.Locate();
            // (2) libtorch by path: its soname now answers every later request for libtorch*.so by name.
            Load(Path.Combine(natives.LibtorchDirectory, LibtorchFile), "libtorch");
            var libstdcxx = LoadedLibstdcxx();
            var glue = ChooseGlue(libstdcxx, natives.GlueLibrary, CacheRoot(), natives.TorchSharpVersion);
            Load(glue, "TorchSharp's native glue");
            Initialise(natives);
            return s_report = new TorchNativeReport(natives.LibtorchDirectory, natives.GlueLibrary, libstdcxx,
                !string.Equals(glue, natives.GlueLibrary, StringComparison.Ordinal), glue);
        }
    }

    /// <summary>
    /// The glue library to load with this libstdc++: <paramref name="original"/> itself when the libstdc++
    /// defines every version it requires (nothing is written), or the patched copy under
    /// <paramref name="cacheRoot"/> (built if missing).
    /// </summary>
    /// <exception cref="TorchNativeException">Versions other than <see cref="FixableVersion"/> are missing.</exception>
    internal static string ChooseGlue(string libstdcxx, string original, string cacheRoot, string torchSharpVersion)
    {
        var missing = MissingVersions(libstdcxx, original);
        if (missing.Count == 0) return original;
        if (missing.Any(v => v != FixableVersion))
        {
            throw new TorchNativeException(
                $"{original} requires {string.Join(", ", missing)} from libstdc++, and {libstdcxx} does not define " +
                $"{(missing.Count == 1 ? "it" : "them")}. The zoo can do without {FixableVersion} only. Install a newer " +
                "libstdc++ (GCC 13 or later: libstdc++6 from a newer distribution release) or run on a newer distribution.");
        }

        return PatchedCopy(original, cacheRoot, torchSharpVersion);
    }

    /// <summary>Versions <paramref name="library"/> requires from libstdc++ that <paramref name="libstdcxx"/> does not define.</summary>
    internal static IReadOnlyList<string> MissingVersions(string libstdcxx, string library)
    {
        var defined = new HashSet<string>(ElfVersions.Read(libstdcxx).Defined(), StringComparer.Ordinal);
        return ElfVersions.Read(library).Required()
            .Where(r => r.File.StartsWith("libstdc++.so", StringComparison.Ordinal) && (r.Flags & ElfVersions.WeakFlag) == 0)
            .Select(r => r.Version)
            .Where(v => !defined.Contains(v))
            .Distinct(StringComparer.Ordinal)
            .OrderBy(v => v, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The patched copy of <paramref name="original"/>: <c>cacheRoot/torchsharp-natives/VERSION-HASH/libLibTorchSharp.so</c>,
    /// HASH being the first 16 hex digits of the original's SHA-256. Built once: written to a temporary file
    /// beside it and renamed, so concurrent processes never see half a file.
    /// </summary>
    internal static string PatchedCopy(string original, string cacheRoot, string torchSharpVersion)
    {
        string hash;
        using (var stream = File.OpenRead(original))
        {
            hash = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant()[..16];
        }

        var directory = Path.Combine(cacheRoot, "torchsharp-natives", $"{torchSharpVersion}-{hash}");
        var patched = Path.Combine(directory, GlueFile);
        if (File.Exists(patched)) return patched;
        try
        {
            Directory.CreateDirectory(directory);
            var elf = ElfVersions.Read(original);
            elf.MakeRequirementWeak(FixableVersion);
            var temporary = Path.Combine(directory, $".{GlueFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            elf.Save(temporary);
            File.Move(temporary, patched, overwrite: true);
            return patched;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TorchNativeException(
                $"cannot write the patched TorchSharp glue library to {directory}: {e.Message}. Point CROSSLMM_ZOO_CACHE " +
                "at a writable directory.", e);
        }
    }

    /// <summary>
    /// The cache directory: <c>$CROSSLMM_ZOO_CACHE</c>, else <c>$XDG_CACHE_HOME/crosslmm-zoo</c>, else
    /// <c>~/.cache/crosslmm-zoo</c>.
    /// </summary>
    public static string CacheRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("CROSSLMM_ZOO_CACHE");
        if (!string.IsNullOrEmpty(explicitRoot)) return explicitRoot;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "crosslmm-zoo");
    }

    /// <summary>The libstdc++ this process uses (loaded by name, as the glue's dependency would be), as a path.</summary>
    internal static string LoadedLibstdcxx()
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out _))
        {
            throw new TorchNativeException("libstdc++.so.6 cannot be loaded: install libstdc++6 (apt-get install libstdc++6)");
        }

        var path = File.ReadLines("/proc/self/maps")
            .Select(l => l.IndexOf('/') is var i and >= 0 ? l[i..] : null)
            .FirstOrDefault(p => p is not null && Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal));
        return path ?? throw new TorchNativeException("libstdc++.so.6 was loaded but does not appear in /proc/self/maps");
    }

    private static void Load(string path, string what)
    {
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new TorchNativeException($"cannot load {what} ({path}): {e.Message}", e);
        }
    }

    private static void Initialise(TorchSharpNatives? natives)
    {
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e)
        {
            var where = natives is null ? "" : $" (natives: {natives.LibtorchDirectory}, glue: {natives.GlueLibrary})";
            throw new TorchNativeException($"TorchSharp failed to initialise{where}: {(e.InnerException ?? e).Message}", e);
        }
    }
}

/// <summary>What <see cref="TorchNativeLoader.EnsureLoaded"/> found and loaded.</summary>
/// <param name="LibtorchDirectory">The libtorch natives loaded (null off Linux).</param>
/// <param name="OriginalGlue">TorchSharp's <c>libLibTorchSharp.so</c> as shipped.</param>
/// <param name="Libstdcxx">The libstdc++ of this process.</param>
/// <param name="Patched">Whether the libstdc++ fix was needed (the patched copy was loaded).</param>
/// <param name="LoadedGlue">The glue library actually loaded.</param>
public sealed record TorchNativeReport(string? LibtorchDirectory, string? OriginalGlue, string? Libstdcxx, bool Patched, string? LoadedGlue);

/// <summary>TorchSharp's natives could not be found or loaded; the message says what is missing and how to fix it.</summary>
public sealed class TorchNativeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TorchNativeException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>Where TorchSharp's natives are: the glue library and the libtorch directory.</summary>
/// <param name="GlueLibrary">Path of <c>libLibTorchSharp.so</c>.</param>
/// <param name="LibtorchDirectory">Directory of <c>libtorch.so</c>, <c>libtorch_cpu.so</c>, <c>libc10.so</c>.</param>
/// <param name="TorchSharpVersion">TorchSharp's package version.</param>
internal sealed record TorchSharpNatives(string GlueLibrary, string LibtorchDirectory, string TorchSharpVersion)
{
    private const string Rid = "linux-x64";

    /// <summary>Finds the natives beside TorchSharp.dll or the app, else in the NuGet packages folder.</summary>
    public static TorchSharpNatives Locate()
    {
        var engine = typeof(TorchNativeLoader).Assembly;
        string Meta(string key) => engine.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value ?? "";
        string torchSharpVersion = Meta("TorchSharpVersion"), libtorchPackage = Meta("LibTorchPackage"), libtorchVersion = Meta("LibTorchVersion");

        var assemblyDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? "";
        var local = new[] { assemblyDir, AppContext.BaseDirectory }
            .Where(d => d.Length > 0)
            .SelectMany(d => new[] { d, Path.Combine(d, "runtimes", Rid, "native") })
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var glue = local.Select(d => Path.Combine(d, "libLibTorchSharp.so")).FirstOrDefault(File.Exists);
        var libtorch = local.FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch.so")) && File.Exists(Path.Combine(d, "libtorch_cpu.so")));
        var searched = new List<string>(local);

        if (glue is null || libtorch is null)
        {
            foreach (var packages in PackageFolders(assemblyDir))
            {
                var packageGlue = Path.Combine(packages, "torchsharp", torchSharpVersion, "runtimes", Rid, "native", "libLibTorchSharp.so");
                searched.Add(Path.GetDirectoryName(packageGlue)!);
                glue ??= File.Exists(packageGlue) ? packageGlue : null;
                if (libtorchPackage.Length > 0)
                {
                    var packageLibtorch = Path.Combine(packages, libtorchPackage.ToLowerInvariant(), libtorchVersion, "runtimes", Rid, "native");
                    searched.Add(packageLibtorch);
                    libtorch ??= File.Exists(Path.Combine(packageLibtorch, "libtorch_cpu.so")) ? packageLibtorch : null;
                }
            }
        }

        if (glue is null || libtorch is null)
        {
            throw new TorchNativeException(
                $"TorchSharp's natives were not found ({(glue is null ? "libLibTorchSharp.so" : "libtorch.so/libtorch_cpu.so")} missing; " +
                $"searched {string.Join(", ", searched.Distinct())}). Reference TorchSharp {torchSharpVersion} with " +
                $"{(libtorchPackage.Length > 0 ? libtorchPackage + " " + libtorchVersion : "its libtorch package")} and restore (dotnet restore), or run ./zoo.sh setup.");
        }

        return new TorchSharpNatives(glue, libtorch, torchSharpVersion);
    }

    // The NuGet packages folders that may hold the packages: $NUGET_PACKAGES, the folder TorchSharp.dll was
    // loaded from (…/torchsharp/VERSION/lib/TFM/), and ~/.nuget/packages.
    private static IEnumerable<string> PackageFolders(string assemblyDir)
    {
        var env = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(env)) yield return env;
        var dir = new DirectoryInfo(assemblyDir);
        for (var d = dir; d?.Parent is not null; d = d.Parent)
        {
            if (string.Equals(d.Name, "torchsharp", StringComparison.OrdinalIgnoreCase))
            {
                yield return d.Parent.FullName;
                break;
            }
        }

        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }
}
