using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// Plain-text tables of cost reports, headed by the counting conventions in force (what a FLOP is, where the
/// LM head runs, the KV dtype), so a number is never read without what it counts.
/// </summary>
public static class CostTable
{
    private const double Tera = 1e12;
    private const double Gibi = 1024.0 * 1024.0 * 1024.0;

    /// <summary>The conventions of a report in one paragraph (the table's header).</summary>
    /// <param name="report">A report (its options are described).</param>
    public static string Conventions(CostReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        string head = o.LmHead == LmHeadPositions.Last
            ? "LM head on the last prefill position only (prefill for generation)"
            : "LM head on every prefill position";
        string decode = o.DecodeSteps == 0 ? "no decode steps" : $"{o.DecodeSteps} cached decode steps after the prefill";
        return $"FLOPs = 2 × multiply-adds of linear, matmul and conv (vision encoder included; softmax, norms, activations, " +
               $"bias adds, element-wise ops and lookups not counted); {head}; {decode}; batch {o.Batch}; " +
               $"KV cache {o.KvDtype.ShortName()} (self-attention of the stream + cached fusion K/V); weights {o.WeightDtype.ShortName()}.";
    }

    /// <summary>
    /// One row per report: architecture, frames, stream tokens, prefill TFLOPs (total, visual stage,
    /// language model, fusion), KV-cache GiB and parameters (billions).
    /// </summary>
    /// <param name="reports">Reports, typically of one preset and text length.</param>
    public static string Render(IEnumerable<CostReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var rows = reports.ToList();
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Conventions(rows[0]));
        if (rows.Select(r => r.Options).Distinct().Count() > 1)
        {
            sb.AppendLine("(the rows use different options: the line above describes the first)");
        }

        string[] header = { "architecture", "preset", "frames", "text", "stream tok", "prefill TFLOPs", "visual", "LLM", "fusion", "KV GiB", "params B" };
        var table = new List<string[]> { header };
        foreach (var r in rows)
        {
            table.Add(new[]
            {
                r.Stem,
                r.Preset,
                r.Frames.ToString(c),
                r.TextTokens.ToString(c),
                r.Tokens.StreamTokens.ToString("N0", c),
                (r.Prefill.Total / Tera).ToString("F2", c),
                (r.Prefill.ByStage(CostStage.Visual) / Tera).ToString("F2", c),
                (r.Prefill.ByStage(CostStage.Language) / Tera).ToString("F2", c),
                (r.Prefill.ByStage(CostStage.Fusion) / Tera).ToString("F2", c),
                (r.Memory.KvCacheBytes / Gibi).ToString("F3", c),
                (r.Parameters.Total / 1e9).ToString("F3", c),
            });
        }

        var widths = Enumerable.Range(0, header.Length).Select(i => table.Max(row => row[i].Length)).ToArray();
        foreach (var row in table)
        {
            sb.AppendLine(string.Join("  ", row.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        return sb.ToString();
    }
}
