using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using CrossLMM.Zoo.Engine;

namespace CrossLMM.Bench;

/// <summary>All measurements of one case: one C# and (when paired) one PyTorch measurement per round.</summary>
public sealed record CaseRounds(BenchCase Case, IReadOnlyList<Measured> Cs, IReadOnlyList<ReferenceMeasured> Pt, ReferenceCheck? Check = null);

/// <summary>
/// One line of the report. C# and PyTorch times are the median over rounds of each round's median, and the
/// fastest iteration (C#) or batch (PyTorch) seen. Two ratios C#/PyTorch: "typical", the median over rounds
/// of the per-round ratio of medians (range over rounds alongside), and "best", fastest over fastest. On a
/// shared machine interference only ever adds time, so "best" is the least disturbed comparison; goals
/// are judged on it, and both are reported.
/// </summary>
public sealed record Row(
    string Case, string? ReferenceId, string Description, int OperationsPerInvoke, int Rounds,
    double CsMedianNs, double CsMinNs, double? PtMedianNs, double? PtMinNs,
    double? TimeRatio, double? TimeRatioLow, double? TimeRatioHigh, double? BestTimeRatio,
    double? CsGflops, double? PtGflops, double? ThroughputRatio, double? BestThroughputRatio,
    string Goal, bool? GoalMet, double? OutputMaxAbsDiff = null, double? OutputMaxAbsValue = null);

/// <summary>
/// One zoo case against its plain-TorchSharp twin (<see cref="PlainTwinAttribute"/>): typical = median over
/// rounds of the per-round ratio of medians (zoo / plain), best = fastest zoo over fastest plain.
/// </summary>
public sealed record PlainRow(string ZooCase, string PlainCase, double ZooMedianNs, double PlainMedianNs, double TimeRatio,
    double TimeRatioLow, double TimeRatioHigh, double BestTimeRatio, double Goal, bool? GoalMet);

/// <summary>The run's environment, printed as the report header.</summary>
public sealed record BenchEnvironment(
    string Date, string Mode, int Rounds, string Machine, string LoadAverage, string DotNet, string Libtorch, int CsThreads, int CsBlasThreads, string CsBlas, IReadOnlyList<string> CsBlasLibraries,
    string? PyTorch, int? PtThreads, int? PtBlasThreads, string? PtBlas, IReadOnlyList<string>? PtBlasLibraries, string LoadAverageAtStart = "");

/// <summary>Builds the rows and writes out/bench/summary.md and summary.json.</summary>
public static class Report
{
    public static IReadOnlyList<Row> Rows(IReadOnlyList<CaseRounds> cases) =>
        cases.Where(c => c.Cs.Count > 0).Select(c => {
            var r = c.Case.Reference;
            var csMedian = Median(c.Cs.Select(m => m.MedianNs));
            var paired = c.Pt.Count == c.Cs.Count && c.Pt.Count > 0;
            double? ptMedian = c.Pt.Count > 0 ? Median(c.Pt.Select(m => m.MedianNs)) : null;
            var ratios = paired ? c.Cs.Zip(c.Pt, (a, b) => a.MedianNs / b.MedianNs).ToList() : null;
            double? ratio = ratios is null ? null : Median(ratios);
            double? csG = r is { Flops: > 0 } ? r.Flops / csMedian : null;     // FLOP per ns = GFLOP/s
            double? ptG = r is { Flops: > 0 } && ptMedian is not null ? r.Flops / ptMedian.Value : null;
            double? tput = ratios is null || r is not { Flops: > 0 } ? null : Median(ratios.Select(x => 1 / x));
            var csMin = c.Cs.Min(m => m.MinNs);
            double? ptMin = c.Pt.Count > 0 ? c.Pt.Min(m => m.MinNs) : null;
            double? best = ptMin is null ? null : csMin / ptMin.Value;
            double? bestTput = best is null || r is not { Flops: > 0 } ? null : 1 / best.Value;
            var (goal, met) = Goal(r, best, bestTput);
            return new Row(c.Case.Name, r?.Id, r?.Description ?? "", c.Case.OperationsPerInvoke, c.Cs.Count,
                csMedian, csMin, ptMedian, ptMin, ratio, ratios?.Min(), ratios?.Max(), best,
                csG, ptG, tput, bestTput, goal, met, c.Check?.MaxAbsDiff, c.Check?.MaxAbsValue);
        }).ToList();

    /// <summary>The zoo / plain-TorchSharp rows, for every plain case whose zoo twin ran in the same rounds.</summary>
    public static IReadOnlyList<PlainRow> PlainRows(IReadOnlyList<CaseRounds> cases) =>
        cases.Select(p => (Plain: p, Twin: p.Case.Method.GetCustomAttributes(typeof(PlainTwinAttribute), false).Cast<PlainTwinAttribute>().FirstOrDefault()))
            .Where(x => x.Twin is not null)
            .Select(x => (x.Plain, x.Twin, Zoo: cases.FirstOrDefault(z => z.Case.Name == x.Twin!.ZooCase)))
            .Where(x => x.Zoo is not null && x.Zoo.Cs.Count == x.Plain.Cs.Count && x.Plain.Cs.Count > 0)
            .Select(x => {
                var ratios = x.Zoo!.Cs.Zip(x.Plain.Cs, (z, p) => z.MedianNs / p.MedianNs).ToList();
                var best = x.Zoo.Cs.Min(m => m.MinNs) / x.Plain.Cs.Min(m => m.MinNs);
                var goal = x.Twin!.MaxTimeRatio;
                return new PlainRow(x.Zoo.Case.Name, x.Plain.Case.Name, Median(x.Zoo.Cs.Select(m => m.MedianNs)), Median(x.Plain.Cs.Select(m => m.MedianNs)),
                    Median(ratios), ratios.Min(), ratios.Max(), best, goal, double.IsNaN(goal) ? null : best <= goal);
            }).ToList();

    /// <summary>
    /// Utilisation: the small CrossLMM prefill's GFLOP/s (analytic FLOPs over its fastest time) divided by the
    /// machine's FP32 GEMM peak as measured in the same run (the fastest 1024³ matmul at the same threads), or
    /// null when either case did not run.
    /// </summary>
    public static string? Utilisation(IReadOnlyList<Row> rows, double prefillFlops)
    {
        var gemm = rows.FirstOrDefault(r => r.Case == "EngineBenchmarks.Matmul1024");
        var prefill = rows.FirstOrDefault(r => r.Case == "ModelBenchmarks.CrossLmmPrefill");
        if (gemm is null || prefill is null) return null;
        double peak = 2.0 * 1024 * 1024 * 1024 / gemm.CsMinNs, achieved = prefillFlops / prefill.CsMinNs;
        return $"\nUtilisation (C#, fastest runs): small CrossLMM prefill {F(prefillFlops / 1e9, 1)} GFLOP (analytic, logits on every position) " +
            $"in {Time(prefill.CsMinNs)} = {F(achieved, 1)} GFLOP/s; FP32 GEMM peak measured here (1024³ matmul) {F(peak, 1)} GFLOP/s; " +
            $"utilisation **{F(100 * achieved / peak, 1)} %**.\n";
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static (string, bool?) Goal(PyTorchCaseAttribute? r, double? timeRatio, double? throughputRatio)
    {
        if (r is null) return ("", null);
        if (!double.IsNaN(r.MaxTimeRatio))
            return ($"time ≤ {F(r.MaxTimeRatio, 2)}× PyTorch", timeRatio is null ? null : timeRatio <= r.MaxTimeRatio);
        if (!double.IsNaN(r.MinThroughputRatio))
            return ($"GFLOP/s ≥ {F(r.MinThroughputRatio, 2)}× PyTorch", throughputRatio is null ? null : throughputRatio >= r.MinThroughputRatio);
        return ("", null);
    }

    public static BenchEnvironment Describe(BenchOptions options, ReferenceReport? reference) => new(
        DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        options.Quick ? "quick (smoke: few iterations, rough numbers)" : "full",
        options.Rounds,
        $"{System.Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture}",
        LoadAverage(),
        RuntimeInformation.FrameworkDescription,
        EngineInfo.Describe(), EngineInfo.IntraOpThreads, EngineInfo.IntraOpThreads, EngineInfo.Blas, EngineInfo.NativeLibraries(),
        reference is null ? null : $"{reference.TorchVersion} (Python {reference.PythonVersion})",
        reference?.Threads,
        reference?.BlasThreads,
        reference is null ? null : BlasName(reference.Blas),
        reference?.Blas,
        LoadAverageAtStart);

    /// <summary>The load average when the program started (set by Program).</summary>
    public static string LoadAverageAtStart { get; set; } = "";

    /// <summary>/proc/loadavg's 1/5/15-minute averages: above the CPU count, other work shared the machine.</summary>
    public static string LoadAverage()
    {
        try {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        } catch (IOException) {
            return "n/a";
        }
    }

    private static string BlasName(IReadOnlyList<string> libs) =>
        libs.Any(l => l.Contains("openblas", StringComparison.OrdinalIgnoreCase)) ? "OpenBLAS"
        : libs.Any(l => l.Contains("mkl", StringComparison.OrdinalIgnoreCase)) ? "MKL"
        : libs.Any(l => Path.GetFileName(l).StartsWith("libblas", StringComparison.Ordinal)) ? "reference" : "unknown";

    public static string Markdown(BenchEnvironment env, IReadOnlyList<Row> rows, IReadOnlyList<PlainRow>? plain = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# CrossLMM.Zoo benchmarks: the zoo on TorchSharp vs PyTorch eager and vs plain TorchSharp (same run)");
        sb.AppendLine();
        sb.AppendLine($"- date: {env.Date}; mode: {env.Mode}; rounds: {env.Rounds}");
        sb.AppendLine($"- machine: {env.Machine}; {env.DotNet}; load average (1/5/15 min) at the start: {env.LoadAverageAtStart}, at the end: {env.LoadAverage}" +
            (double.TryParse(env.LoadAverage.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) && load > System.Environment.ProcessorCount
                ? " — **busy machine: other work competed for the CPUs, expect noisy numbers**" : ""));
        sb.AppendLine($"- C#: {env.Libtorch}, {env.CsThreads} intra-op thread(s), BLAS: **{env.CsBlas}** with {Threads(env.CsBlasThreads)} ({string.Join(", ", env.CsBlasLibraries)})");
        if (env.PyTorch is not null)
            sb.AppendLine($"- PyTorch: {env.PyTorch}, {env.PtThreads} intra-op thread(s), BLAS: **{env.PtBlas}** with {Threads(env.PtBlasThreads ?? -1)} ({string.Join(", ", env.PtBlasLibraries ?? Array.Empty<string>())})");
        else
            sb.AppendLine("- PyTorch: not run (--no-reference)");
        sb.AppendLine("- times are per operation: median over rounds of each round's median (fastest iteration in parentheses)");
        sb.AppendLine("- ratios C#/PyTorch: typical = median over rounds of the per-round ratio of medians (C# and PyTorch measured back to back; range over rounds in brackets); best = fastest C# over fastest PyTorch. Interference on a shared machine only adds time, so goals are judged on best");
        if (rows.Any(r => r.OutputMaxAbsDiff is not null))
            sb.AppendLine("- outputs: cases whose PyTorch twin runs on the C# side's weights and inputs check both outputs before timing (max |C# − PyTorch| / max |value| in the last column)");
        sb.AppendLine();
        sb.AppendLine("| case | C# | PyTorch | time C#/PyTorch typical | best | C# GFLOP/s | PyTorch GFLOP/s | GFLOP/s C#/PyTorch typical | best | goal (on best) | met | outputs agree |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var r in rows) {
            sb.Append($"| {r.Case}{(r.Description.Length > 0 ? $"<br>{r.Description}" : "")} ");
            sb.Append($"| {Time(r.CsMedianNs)} ({Time(r.CsMinNs)}) ");
            sb.Append($"| {(r.PtMedianNs is { } pm ? $"{Time(pm)} ({Time(r.PtMinNs!.Value)})" : "–")} ");
            sb.Append($"| {(r.TimeRatio is { } tr ? F(tr, 3) + (r.Rounds > 1 ? $" [{F(r.TimeRatioLow!.Value, 2)}–{F(r.TimeRatioHigh!.Value, 2)}]" : "") : "–")} ");
            sb.Append($"| {(r.BestTimeRatio is { } bt ? F(bt, 3) : "–")} ");
            sb.Append($"| {(r.CsGflops is { } cg ? F(cg, 1) : "–")} | {(r.PtGflops is { } pg ? F(pg, 1) : "–")} ");
            sb.Append($"| {(r.ThroughputRatio is { } t ? F(t, 3) : "–")} | {(r.BestThroughputRatio is { } b ? F(b, 3) : "–")} ");
            sb.Append($"| {r.Goal} | {(r.GoalMet is null ? "–" : r.GoalMet.Value ? "yes" : "**no**")} ");
            sb.Append($"| {(r.OutputMaxAbsDiff is { } d ? $"{d.ToString("G2", CultureInfo.InvariantCulture)} / {F(r.OutputMaxAbsValue ?? 0, 1)}" : "–")} |");
            sb.AppendLine();
        }
        if (plain is { Count: > 0 }) {
            sb.AppendLine();
            sb.AppendLine("The zoo against the same model written directly on TorchSharp (bench/CrossLMM.Bench/Plain: HF-style functions, same weights, inputs and kernels; outputs checked in the set-up), measured in the same rounds:");
            sb.AppendLine();
            sb.AppendLine("| zoo case | zoo | plain TorchSharp | zoo/plain typical | best | goal (on best) | met |");
            sb.AppendLine("|---|---:|---:|---:|---:|---|---|");
            foreach (var p in plain)
                sb.AppendLine($"| {p.ZooCase} | {Time(p.ZooMedianNs)} | {Time(p.PlainMedianNs)} | {F(p.TimeRatio, 3)} [{F(p.TimeRatioLow, 2)}–{F(p.TimeRatioHigh, 2)}] | {F(p.BestTimeRatio, 3)} | " +
                    $"{(double.IsNaN(p.Goal) ? "" : $"≤ {F(p.Goal, 2)}× plain")} | {(p.GoalMet is null ? "–" : p.GoalMet.Value ? "yes" : "**no**")} |");
        }
        return sb.ToString();
    }

    public static void Write(string directory, BenchEnvironment env, IReadOnlyList<Row> rows, IReadOnlyList<PlainRow> plain, out string markdownPath)
    {
        Directory.CreateDirectory(directory);
        markdownPath = Path.Combine(directory, "summary.md");
        File.WriteAllText(markdownPath, Markdown(env, rows, plain));
        var json = JsonSerializer.Serialize(new { environment = env, cases = rows, plain },
            new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        File.WriteAllText(Path.Combine(directory, "summary.json"), json);
    }

    private static string Threads(int n) => n > 0 ? $"{n} thread(s)" : "its default threads";

    private static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static string Time(double ns) => ns switch {
        < 1e3 => $"{F(ns, 0)} ns",
        < 1e6 => $"{F(ns / 1e3, 2)} µs",
        < 1e9 => $"{F(ns / 1e6, 2)} ms",
        _ => $"{F(ns / 1e9, 3)} s",
    };
}
