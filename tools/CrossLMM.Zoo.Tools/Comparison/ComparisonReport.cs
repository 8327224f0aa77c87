using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Measurement;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Tools.Comparison;

/// <summary>One architecture's line of the comparison (the JSON <c>summary</c> entries).</summary>
/// <param name="Stem">YAML stem.</param>
/// <param name="Architecture">C# name.</param>
/// <param name="TokensPerFrame">Visual tokens per frame in the LLM stream at the cost preset (null for per-video compressors).</param>
/// <param name="TokensFormula">LLM visual tokens for T frames at the cost preset (<c>9·T</c>, <c>1024</c>).</param>
/// <param name="StreamTokens">LLM stream length at each cost frame count.</param>
/// <param name="PrefillFlops">Prefill FLOPs at each cost frame count.</param>
/// <param name="KvCacheBytes">KV cache after the prefill at each cost frame count.</param>
/// <param name="Parameters">Parameters at the cost preset.</param>
/// <param name="FlopsVsBaseline">Prefill FLOPs over the baseline's at the largest cost frame count (null without the baseline).</param>
/// <param name="KvVsBaseline">KV bytes over the baseline's at the largest cost frame count.</param>
/// <param name="MedianMs">Measured median prefill latency at each bench frame count.</param>
/// <param name="PeakBytes">Measured peak memory at each bench frame count.</param>
public sealed record ComparisonSummaryRow(
    string Stem,
    string Architecture,
    int? TokensPerFrame,
    string TokensFormula,
    IReadOnlyDictionary<string, long> StreamTokens,
    IReadOnlyDictionary<string, long> PrefillFlops,
    IReadOnlyDictionary<string, long> KvCacheBytes,
    long Parameters,
    double? FlopsVsBaseline,
    double? KvVsBaseline,
    IReadOnlyDictionary<string, double> MedianMs,
    IReadOnlyDictionary<string, long?> PeakBytes);

/// <summary>The JSON document of <c>zoo compare</c> (out/compare.json).</summary>
/// <param name="Options">What was run.</param>
/// <param name="Machine">Where the measurements ran.</param>
/// <param name="Summary">One row per architecture.</param>
/// <param name="Cost">The full analytic sweep.</param>
/// <param name="Bench">The full measurements (null without measurement).</param>
public sealed record ComparisonDocument(ComparisonOptions Options, MachineInfo Machine, IReadOnlyList<ComparisonSummaryRow> Summary, CostDocument Cost, BenchDocument? Bench);

/// <summary>
/// The outputs of <c>zoo compare</c>: the summary table (terminal and markdown), out/compare.md,
/// out/compare.json and four SVG charts (FLOPs, KV memory and LLM tokens vs frames; latency bars).
/// Architectures appear in catalogue order everywhere.
/// </summary>
public static class ComparisonReport
{
    /// <summary>File names written by <see cref="Write"/>, in order.</summary>
    public static IReadOnlyList<string> Files { get; } = new[]
    {
        "compare.md", "compare.json", "compare-flops.svg", "compare-kv.svg", "compare-tokens.svg", "compare-latency.svg",
    };

    /// <summary>One row per architecture.</summary>
    /// <param name="result">A comparison.</param>
    public static IReadOnlyList<ComparisonSummaryRow> Summary(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int maxFrames = result.Cost.Max(r => r.Frames);
        var baseline = result.Cost.FirstOrDefault(r => r.Stem == result.Options.Baseline && r.Frames == maxFrames);
        var c = CultureInfo.InvariantCulture;
        return result.Cost.GroupBy(r => r.Stem).Select(g =>
        {
            var reports = g.OrderBy(r => r.Frames).ToArray();
            var last = reports[^1];
            var config = ZooCatalog.Architectures.First(a => a.Stem == g.Key).Config(last.Preset);
            var measured = result.Measurements.Where(m => m.Stem == g.Key).OrderBy(m => m.Frames).ToArray();
            return new ComparisonSummaryRow(
                g.Key,
                last.Architecture,
                config.StreamTokensPerFrame,
                config.TokensFormulaAtPreset,
                reports.ToDictionary(r => r.Frames.ToString(c), r => r.Tokens.StreamTokens),
                reports.ToDictionary(r => r.Frames.ToString(c), r => r.Prefill.Total),
                reports.ToDictionary(r => r.Frames.ToString(c), r => r.Memory.KvCacheBytes),
                last.Parameters.Total,
                baseline is null ? null : (double)last.Prefill.Total / baseline.Prefill.Total,
                baseline is null ? null : (double)last.Memory.KvCacheBytes / baseline.Memory.KvCacheBytes,
                measured.ToDictionary(m => m.Frames.ToString(c), m => m.MedianMs),
                measured.ToDictionary(m => m.Frames.ToString(c), m => m.PeakBytes));
        }).ToArray();
    }

    /// <summary>
    /// The summary table: per architecture, tokens per frame, LLM tokens, prefill TFLOPs at every cost frame
    /// count, FLOPs and KV relative to the baseline, KV GiB, parameters (cost preset), then measured latency at
    /// every bench frame count and peak memory (bench preset).
    /// </summary>
    /// <param name="result">A comparison.</param>
    public static ReportTable Table(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var costFrames = result.Cost.Select(r => r.Frames).Distinct().OrderBy(f => f).ToArray();
        var benchFrames = result.Measurements.Select(m => m.Frames).Distinct().OrderBy(f => f).ToArray();
        int max = costFrames[^1];
        var columns = new List<ReportColumn> { new("architecture", ColumnAlignment.Left), new("tok/frame"), new($"LLM tok @{max}") };
        columns.AddRange(costFrames.Select(f => new ReportColumn($"TFLOPs @{f}")));
        columns.Add(new ReportColumn($"FLOPs vs {o.Baseline}"));
        columns.Add(new ReportColumn($"KV GiB @{max}"));
        columns.Add(new ReportColumn($"KV vs {o.Baseline}"));
        columns.Add(new ReportColumn("params"));
        columns.AddRange(benchFrames.Select(f => new ReportColumn($"ms @{f} ({o.BenchPreset})")));
        if (benchFrames.Length > 0)
        {
            columns.Add(new ReportColumn($"peak MiB @{benchFrames[^1]}"));
        }

        var table = new ReportTable($"CrossLMM.Zoo: cost at the {o.CostPreset} preset, measured prefill at the {o.BenchPreset} preset", columns);
        string key(int f) => f.ToString(CultureInfo.InvariantCulture);
        foreach (var row in Summary(result))
        {
            var cells = new List<string>
            {
                row.Stem,
                row.TokensPerFrame?.ToString(CultureInfo.InvariantCulture) ?? row.TokensFormula + " in all",
                Units.Count(row.StreamTokens[key(max)]),
            };
            cells.AddRange(costFrames.Select(f => Units.Tera(row.PrefillFlops[key(f)])));
            cells.Add(row.FlopsVsBaseline is double fr ? Units.Ratio(fr) : "-");
            cells.Add(Units.Gibibytes(row.KvCacheBytes[key(max)]));
            cells.Add(row.KvVsBaseline is double kr ? Units.Ratio(kr) : "-");
            cells.Add(Units.Parameters(row.Parameters));
            cells.AddRange(benchFrames.Select(f => row.MedianMs.TryGetValue(key(f), out double ms) ? Units.Milliseconds(ms) : "-"));
            if (benchFrames.Length > 0)
            {
                cells.Add(row.PeakBytes.TryGetValue(key(benchFrames[^1]), out long? peak) && peak is long p ? Units.Mebibytes(p) : "n/a");
            }

            table.Add(cells.ToArray());
        }

        table.Notes.Add($"Cost: analytic model (modules/Cost) at the {o.CostPreset} preset, {o.TextTokens} text tokens, batch 1. {CostTable.Conventions(result.Cost[0])}");
        table.Notes.Add($"LLM tok = visual tokens in the LLM stream + {o.TextTokens} text tokens. Ratios are at {max} frames against {o.Baseline}.");
        if (result.Measurements.Count > 0)
        {
            var m = result.Measurements[0];
            table.Notes.Add($"Latency: measured prefill (full forward, logits on every position, no_grad, batch 1) at the {o.BenchPreset} preset with random weights; median of {RunsText(result)} timed runs after {m.WarmupRuns} warm-up{(o.CaseBudgetSeconds is double b ? string.Create(CultureInfo.InvariantCulture, $" (fewer once a case had taken {b:0.#} s)") : string.Empty)}; {result.Machine}. Peak MiB: {m.MemoryMethod}.");
        }

        return table;
    }

    private static string RunsText(ComparisonResult result)
    {
        var counts = result.Measurements.Select(m => m.TimesMs.Count).Distinct().OrderBy(c => c).ToArray();
        return counts.Length == 1 ? counts[0].ToString(CultureInfo.InvariantCulture) : $"{counts[0]}-{counts[^1]}";
    }

    /// <summary>out/compare.md: the summary table, the per-component cost at the largest frame count, the measurements, the charts.</summary>
    /// <param name="result">A comparison.</param>
    public static string Markdown(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        int max = result.Cost.Max(r => r.Frames);
        var sb = new StringBuilder();
        sb.Append("# zoo compare\n\n");
        sb.Append("Produced by `./zoo.sh compare` (`zoo compare`); every number below comes from the analytic cost model or a measurement of this run.\n\n");
        sb.Append(TableWriters.Markdown(Table(result)));
        sb.Append("![Prefill FLOPs vs frames](compare-flops.svg)\n\n");
        sb.Append("![KV cache vs frames](compare-kv.svg)\n\n");
        sb.Append("![LLM tokens vs frames](compare-tokens.svg)\n\n");
        sb.Append($"## Cost per component at {max} frames ({result.Options.CostPreset})\n\n");
        sb.Append(TableWriters.Markdown(CostOutputs.Table(result.Cost.Where(r => r.Frames == max).ToArray())));
        if (result.Measurements.Count > 0)
        {
            sb.Append($"## Measured prefill ({result.Options.BenchPreset})\n\n");
            sb.Append(TableWriters.Markdown(BenchOutputs.Table(result.Measurements)));
            sb.Append("![Prefill latency](compare-latency.svg)\n\n");
        }

        sb.Append("## Machine\n\n").Append(result.Machine).Append("\n\n");
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"Time: {result.CostSeconds:F1} s analytic, {result.MeasureSeconds:F1} s measuring.\n"));
        return sb.ToString();
    }

    /// <summary>out/compare.json.</summary>
    /// <param name="result">A comparison.</param>
    public static string Json(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var document = new ComparisonDocument(
            result.Options,
            result.Machine,
            Summary(result),
            CostOutputs.Document(result.Cost),
            result.Measurements.Count > 0 ? BenchOutputs.Document(result.Measurements, result.Machine) : null);
        return JsonSerializer.Serialize(document, CostOutputs.Json) + "\n";
    }

    /// <summary>The charts by file name (the latency chart only with measurements).</summary>
    /// <param name="result">A comparison.</param>
    public static IReadOnlyDictionary<string, string> Charts(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var charts = new Dictionary<string, string>
        {
            ["compare-flops.svg"] = CostOutputs.Chart(result.Cost, CostMetric.Flops).ToSvg(),
            ["compare-kv.svg"] = CostOutputs.Chart(result.Cost, CostMetric.Kv).ToSvg(),
            ["compare-tokens.svg"] = CostOutputs.Chart(result.Cost, CostMetric.Tokens).ToSvg(),
        };
        if (result.Measurements.Count > 0)
        {
            charts["compare-latency.svg"] = BenchOutputs.Chart(result.Measurements, result.Machine).ToSvg();
        }

        return charts;
    }

    /// <summary>Writes compare.md, compare.json and the charts into <paramref name="directory"/> (created if needed).</summary>
    /// <param name="result">A comparison.</param>
    /// <param name="directory">The output folder (e.g. <c>out</c>).</param>
    /// <returns>The paths written, in <see cref="Files"/> order.</returns>
    public static IReadOnlyList<string> Write(ComparisonResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var contents = new Dictionary<string, string>
        {
            ["compare.md"] = Markdown(result),
            ["compare.json"] = Json(result),
        };
        foreach (var (name, svg) in Charts(result))
        {
            contents[name] = svg;
        }

        var written = new List<string>();
        foreach (var stale in Files.Where(f => !contents.ContainsKey(f)).Select(f => Path.Combine(directory, f)).Where(File.Exists))
        {
            File.Delete(stale);   // e.g. a latency chart left by an earlier run with measurements
        }

        foreach (var name in Files.Where(contents.ContainsKey))
        {
            string path = Path.Combine(directory, name);
            File.WriteAllText(path, contents[name], new UTF8Encoding(false));
            written.Add(path);
        }

        return written;
    }
}
