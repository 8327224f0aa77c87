using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Tools.Cost;

/// <summary>What a cost chart plots against frames.</summary>
public enum CostMetric
{
    /// <summary>Prefill TFLOPs.</summary>
    Flops,

    /// <summary>KV-cache GiB after the prefill.</summary>
    Kv,

    /// <summary>Tokens in the LLM stream (visual + text).</summary>
    Tokens,
}

/// <summary>The JSON document of <c>zoo cost --format json</c> (and the cost part of <c>zoo compare</c>).</summary>
/// <param name="Preset">Size preset.</param>
/// <param name="TextTokens">L_t.</param>
/// <param name="Frames">Frame counts, ascending.</param>
/// <param name="Convention">The counting convention (<c>exact</c>: the zoo's FLOPs; <c>paper</c>: each record also carries the CrossLMM paper's MACs).</param>
/// <param name="Conventions">What is counted (from <see cref="CostTable.Conventions"/>, and <see cref="PaperConvention.Describe"/> for <c>paper</c>).</param>
/// <param name="Reports">One record per (architecture, frames).</param>
public sealed record CostDocument(string Preset, int TextTokens, IReadOnlyList<int> Frames, string Convention, string Conventions, IReadOnlyList<CostRecord> Reports);

/// <summary>Tables, JSON, CSV and charts of cost reports.</summary>
public static class CostOutputs
{
    /// <summary>JSON options used for every document the tools write: camelCase, indented, exact integers.</summary>
    public static JsonSerializerOptions Json { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The document of a sweep.</summary>
    /// <param name="reports">Reports of one preset and text length.</param>
    /// <param name="convention">The counting convention (default: the zoo's exact FLOPs).</param>
    public static CostDocument Document(IReadOnlyList<CostReport> reports, CostConvention convention = CostConvention.Exact)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("no reports", nameof(reports));
        }

        return new CostDocument(
            reports[0].Preset,
            reports[0].TextTokens,
            reports.Select(r => r.Frames).Distinct().OrderBy(f => f).ToArray(),
            convention.Name(),
            Conventions(reports[0], convention),
            reports.Select(r => CostRecord.From(r, convention)).ToArray());
    }

    /// <summary>
    /// What a number counts under <paramref name="convention"/>: the zoo's FLOP conventions, preceded for
    /// <see cref="CostConvention.Paper"/> by the paper's.
    /// </summary>
    /// <param name="report">A report (its options are described).</param>
    /// <param name="convention">The convention.</param>
    public static string Conventions(CostReport report, CostConvention convention) => convention == CostConvention.Paper
        ? PaperConvention.Describe(report) + " Exact FLOPs alongside: " + CostTable.Conventions(report)
        : CostTable.Conventions(report);

    /// <summary>The sweep as indented JSON.</summary>
    /// <param name="reports">Reports.</param>
    /// <param name="convention">The counting convention (default: the zoo's exact FLOPs).</param>
    public static string ToJson(IReadOnlyList<CostReport> reports, CostConvention convention = CostConvention.Exact) =>
        JsonSerializer.Serialize(Document(reports, convention), Json) + "\n";

    /// <summary>Parses <see cref="ToJson"/>'s output.</summary>
    /// <param name="json">The JSON text.</param>
    public static CostDocument FromJson(string json) =>
        JsonSerializer.Deserialize<CostDocument>(json, Json) ?? throw new JsonException("empty cost document");

    /// <summary>
    /// The terminal/markdown table: architecture, frames, LLM stream tokens, prefill TFLOPs in total and per
    /// component (only components with work in some row), KV-cache GiB, parameters.
    /// </summary>
    /// <param name="reports">Reports.</param>
    /// <param name="convention">The counting convention (default: the zoo's exact FLOPs; <see cref="CostConvention.Paper"/>: <see cref="PaperTable"/>).</param>
    public static ReportTable Table(IReadOnlyList<CostReport> reports, CostConvention convention = CostConvention.Exact)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (convention == CostConvention.Paper)
        {
            return PaperTable(reports);
        }

        var components = CostSweep.ActiveFlopComponents(reports);
        var columns = new List<ReportColumn> { new("architecture", ColumnAlignment.Left), new("frames"), new("LLM tokens"), new("TFLOPs") };
        columns.AddRange(components.Select(c => new ReportColumn(c.ShortName())));
        columns.Add(new ReportColumn("KV GiB"));
        columns.Add(new ReportColumn("params"));
        string preset = reports.Count > 0 ? reports[0].Preset : string.Empty;
        var table = new ReportTable($"Analytic cost at the {preset} preset (prefill TFLOPs per component, exact convention)", columns);
        foreach (var r in reports)
        {
            var cells = new List<string> { r.Stem, r.Frames.ToString(CultureInfo.InvariantCulture), Units.Count(r.Tokens.StreamTokens), Units.Tera(r.Prefill.Total) };
            cells.AddRange(components.Select(c => Units.Tera(r.Prefill[c])));
            cells.Add(Units.Gibibytes(r.Memory.KvCacheBytes));
            cells.Add(Units.Parameters(r.Parameters.Total));
            table.Add(cells.ToArray());
        }

        if (reports.Count > 0)
        {
            table.Notes.Add(CostTable.Conventions(reports[0]));
            table.Notes.Add($"LLM tokens = visual tokens in the stream + {reports[0].TextTokens} text tokens.");
        }

        return table;
    }

    /// <summary>
    /// The sweep counted the CrossLMM paper's way: architecture, frames, LLM tokens, the paper's TMACs (vision +
    /// LLM linear layers), its two parts, the FLOPs it leaves out (LLM attention scores, fusion, compressor and
    /// projectors) and the zoo's exact TFLOPs; the paper's count is (exact − left out) / 2.
    /// </summary>
    /// <param name="reports">Reports.</param>
    public static ReportTable PaperTable(IReadOnlyList<CostReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var columns = new[]
        {
            new ReportColumn("architecture", ColumnAlignment.Left), new ReportColumn("frames"), new ReportColumn("LLM tokens"), new ReportColumn("paper TMACs"),
            new ReportColumn("vision"), new ReportColumn("LLM linear"), new ReportColumn("left out TFLOPs"), new ReportColumn("exact TFLOPs"),
        };
        string preset = reports.Count > 0 ? reports[0].Preset : string.Empty;
        var table = new ReportTable($"Analytic cost at the {preset} preset, counted as the CrossLMM paper does (prefill TMACs)", columns);
        foreach (var r in reports)
        {
            var p = PaperConvention.Of(r);
            table.Add(r.Stem, r.Frames.ToString(CultureInfo.InvariantCulture), Units.Count(r.Tokens.StreamTokens), Units.Tera(p.Macs),
                Units.Tera(p.VisionMacs), Units.Tera(p.LanguageLinearMacs), Units.Tera(p.LeftOutTotal), Units.Tera(p.ExactFlops));
        }

        if (reports.Count > 0)
        {
            table.Notes.Add(PaperConvention.Describe(reports[0]));
            table.Notes.Add("exact TFLOPs = 2 × paper TMACs + left out TFLOPs. " + CostTable.Conventions(reports[0]));
            table.Notes.Add($"LLM tokens = visual tokens in the stream + {reports[0].TextTokens} text tokens.");
        }

        return table;
    }

    /// <summary>CSV with exact integers: one row per report, every component's FLOPs and parameters.</summary>
    /// <param name="reports">Reports.</param>
    /// <param name="convention">
    /// The counting convention, named in the last column; <see cref="CostConvention.Paper"/> adds the paper's MACs
    /// (<c>paper_macs</c>, <c>paper_vision_macs</c>, <c>paper_llm_linear_macs</c>) and <c>paper_left_out_flops</c>.
    /// </param>
    public static string ToCsv(IReadOnlyList<CostReport> reports, CostConvention convention = CostConvention.Exact)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var columns = new List<string>
        {
            "architecture", "stem", "preset", "frames", "text_tokens", "encoder_tokens", "compressed_tokens", "stream_visual_tokens", "stream_tokens",
            "prefill_flops", "visual_flops", "language_flops", "fusion_flops",
        };
        columns.AddRange(CostComponents.All.Select(c => "flops_" + Snake(c)));
        columns.AddRange(new[] { "kv_cache_bytes", "kv_self_attention_bytes", "kv_fusion_bytes", "weight_bytes", "parameters" });
        columns.AddRange(CostComponents.All.Select(c => "params_" + Snake(c)));
        bool paper = convention == CostConvention.Paper;
        if (paper)
        {
            columns.AddRange(new[] { "paper_macs", "paper_vision_macs", "paper_llm_linear_macs", "paper_left_out_flops" });
        }

        columns.Add("convention");
        var table = new ReportTable(string.Empty, columns.Select(c => new ReportColumn(c)));
        var inv = CultureInfo.InvariantCulture;
        foreach (var report in reports)
        {
            var r = CostRecord.From(report, convention);
            var cells = new List<string>
            {
                r.Architecture, r.Stem, r.Preset, r.Frames.ToString(inv), r.TextTokens.ToString(inv), r.Tokens.Encoder.ToString(inv), r.Tokens.Compressed.ToString(inv),
                r.Tokens.StreamVisual.ToString(inv), r.Tokens.Stream.ToString(inv),
                r.PrefillFlops.Total.ToString(inv), r.PrefillFlops.Visual.ToString(inv), r.PrefillFlops.Language.ToString(inv), r.PrefillFlops.Fusion.ToString(inv),
            };
            cells.AddRange(r.PrefillFlops.ByComponent.Values.Select(v => v.ToString(inv)));
            cells.AddRange(new[] { r.Memory.KvCacheBytes, r.Memory.SelfAttentionBytes, r.Memory.FusionBytes, r.Memory.WeightBytes, r.Parameters.Total }.Select(v => v.ToString(inv)));
            cells.AddRange(r.Parameters.ByComponent.Values.Select(v => v.ToString(inv)));
            if (r.Paper is { } p)
            {
                cells.AddRange(new[] { p.Macs, p.VisionMacs, p.LanguageLinearMacs, p.LeftOutFlops }.Select(v => v.ToString(inv)));
            }

            cells.Add(convention.Name());
            table.Add(cells.ToArray());
        }

        return TableWriters.Csv(table);
    }

    /// <summary>A line chart over frames, one series per architecture (in report order); CrossLMM is emphasised.</summary>
    /// <param name="reports">Reports.</param>
    /// <param name="metric">What to plot.</param>
    /// <param name="scale">Y scale (log by default: the architectures differ by orders of magnitude).</param>
    /// <param name="convention">How <see cref="CostMetric.Flops"/> is counted (default: the zoo's exact FLOPs; paper: the paper's MACs).</param>
    public static LineChart Chart(IReadOnlyList<CostReport> reports, CostMetric metric = CostMetric.Flops, ScaleKind scale = ScaleKind.Log, CostConvention convention = CostConvention.Exact)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (reports.Count == 0)
        {
            throw new ArgumentException("no reports", nameof(reports));
        }

        string preset = reports[0].Preset;
        Func<double, string> compact = Compact;
        var first = reports[0];
        string common = $"analytic cost model, {first.Preset} preset, {first.TextTokens} text tokens, batch {first.Options.Batch}";
        (string title, string yLabel, string subtitle, Func<CostReport, double> value, Func<double, string> format) = metric switch
        {
            CostMetric.Flops when convention == CostConvention.Paper => ("Prefill MACs vs frames, counted as the CrossLMM paper does", "prefill TMACs (paper convention)",
                $"{common}; MACs of the vision encoder + the LLM's linear layers; no attention scores, no fusion layers",
                new Func<CostReport, double>(r => PaperConvention.Of(r).Macs / 1e12), compact),
            CostMetric.Flops => ("Prefill FLOPs vs frames", "prefill TFLOPs",
                $"{common}; FLOPs = 2 × multiply-adds of linear, matmul and conv, vision encoder included",
                new Func<CostReport, double>(r => r.Prefill.Total / 1e12), compact),
            CostMetric.Kv => ("KV-cache memory vs frames", $"KV cache after prefill, GiB ({first.Options.KvDtype.ShortName()})",
                $"{common}; self-attention K/V of the LLM stream + cached fusion K/V of the visual sources",
                new Func<CostReport, double>(r => r.Memory.KvCacheBytes / Units.GiB), compact),
            CostMetric.Tokens => ("Tokens in the LLM stream vs frames", "LLM stream tokens (visual + text)",
                $"{common}; visual tokens placed in the LLM's sequence plus the question",
                new Func<CostReport, double>(r => r.Tokens.StreamTokens), new Func<double, string>(Units.Compact)),
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
        };
        var series = reports.GroupBy(r => r.Stem)
            .Select(g => ChartSeries.Of(g.Key, g.Select(r => ((double)r.Frames, value(r))), emphasized: g.Key == "crosslmm"))
            .ToArray();
        return new LineChart
        {
            Series = series,
            Title = $"{title} ({preset} preset)",
            Subtitle = subtitle,
            XLabel = "frames",
            YLabel = yLabel,
            YScale = scale,
            XFormat = v => v.ToString("0", CultureInfo.InvariantCulture),
            YFormat = format,
        };
    }

    private static string Compact(double value) =>
        value >= 10_000 ? Units.Compact(value)
        : value >= 100 ? value.ToString("0", CultureInfo.InvariantCulture)
        : value >= 1 ? value.ToString("0.#", CultureInfo.InvariantCulture)
        : value >= 0.001 || value == 0 ? value.ToString("0.###", CultureInfo.InvariantCulture)
        : value.ToString("0.#e0", CultureInfo.InvariantCulture);

    private static string Snake(CostComponent component) => JsonNamingPolicy.SnakeCaseLower.ConvertName(component.ToString());
}
