using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace CrossLMM.Bench;

/// <summary>PyTorch's measurement of one case, per operation.</summary>
public sealed record ReferenceMeasured(string Id, double MedianNs, double MinNs, int Repeats);

/// <summary>What the Python side reported about itself and its cases.</summary>
public sealed record ReferenceReport(string TorchVersion, string PythonVersion, int Threads, int BlasThreads, IReadOnlyList<string> Blas,
    IReadOnlyDictionary<string, ReferenceMeasured> Cases, IReadOnlyDictionary<string, ReferenceCheck> Checks);

/// <summary>How far the PyTorch twin's output was from the C# output of the same weights and inputs.</summary>
public sealed record ReferenceCheck(double MaxAbsDiff, double MaxAbsValue);

/// <summary>
/// Runs bench/reference/run.py under Debian's python3-torch with the same intra-op and BLAS thread counts as
/// the C# engine, in the same bench run, right after the C# measurements.
/// </summary>
public static class ReferenceRun
{
    public static ReferenceReport Run(IEnumerable<string> ids, int threads, int blasThreads, BenchOptions options, TextWriter log)
    {
        var script = Path.Combine(BenchOptions.RepoRoot(), "bench", "reference", "run.py");
        if (!File.Exists(script)) throw new FileNotFoundException($"the PyTorch reference runner is missing: {script}");
        if (!File.Exists(options.Python)) throw new FileNotFoundException($"{options.Python} with torch not found: run ./zoo.sh setup (or pass --python)");
        Directory.CreateDirectory(options.OutputDirectory);
        var json = Path.Combine(options.OutputDirectory, "pytorch.json");
        var psi = new ProcessStartInfo(options.Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { script, "--json", json, "--threads", threads.ToString(), "--cases", string.Join(",", ids) })
            psi.ArgumentList.Add(a);
        if (blasThreads > 0)
            foreach (var a in new[] { "--blas-threads", blasThreads.ToString() })
                psi.ArgumentList.Add(a);
        if (options.Quick) psi.ArgumentList.Add("--quick");
        foreach (var v in new[] { "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP" }) psi.Environment.Remove(v);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        // The same OpenMP wait policy as this process (the zoo sets PASSIVE unless the user chose one).
        if (CrossLMM.Zoo.Engine.Native.OpenMpSettings.WaitPolicy is { } policy) psi.Environment["OMP_WAIT_POLICY"] = policy;
        psi.Environment[Exchange.FolderVariable] = Exchange.Folder;
        log.WriteLine($"PyTorch reference: {options.Python} {string.Join(" ", psi.ArgumentList)}");
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {options.Python}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        log.Write(stderr.Result);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"the PyTorch reference run failed (exit code {p.ExitCode}):\n{stderr.Result}\n{stdout.Result}");

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var cases = new Dictionary<string, ReferenceMeasured>(StringComparer.Ordinal);
        foreach (var c in root.GetProperty("cases").EnumerateObject())
            cases[c.Name] = new ReferenceMeasured(c.Name, c.Value.GetProperty("median_ns").GetDouble(), c.Value.GetProperty("min_ns").GetDouble(),
                c.Value.GetProperty("repeats").GetInt32());
        var checks = new Dictionary<string, ReferenceCheck>(StringComparer.Ordinal);
        if (root.TryGetProperty("checks", out var checked_))
            foreach (var c in checked_.EnumerateObject())
                checks[c.Name] = new ReferenceCheck(c.Value.GetProperty("max_abs_diff").GetDouble(), c.Value.GetProperty("max_abs_value").GetDouble());
        return new ReferenceReport(root.GetProperty("torch_version").GetString() ?? "?", root.GetProperty("python").GetString() ?? "?",
            root.GetProperty("threads").GetInt32(), root.TryGetProperty("blas_threads", out var bt) ? bt.GetInt32() : -1,
            root.GetProperty("blas").EnumerateArray().Select(e => e.GetString() ?? "").ToList(), cases, checks);
    }
}
