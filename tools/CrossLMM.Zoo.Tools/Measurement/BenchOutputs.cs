using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Tools.Measurement;

/// <summary>The JSON document of <c>zoo bench --format json</c>.</summary>
/// <param name="Preset">Size preset measured.</param>
/// <param name="TextTokens">L_t.</param>
/// <param name="Frames">Frame counts.</param>
/// <param name="Runs">Timed runs per case (the most any case took; see each measurement's TimesMs).</param>
/// <param name="Warmup">Untimed runs per case.</param>
/// <param name="Machine">Where it ran.</param>
/// <param name="MemoryMethod">How peak memory was measured.</param>
/// <param name="Measurements">One per (architecture, frames).</param>
public sealed record BenchDocument(
    string Preset, int TextTokens, IReadOnlyList<int> Frames, int Runs, int Warmup, MachineInfo Machine, string MemoryMethod,
    IReadOnlyList<PrefillMeasurement> Measurements);

/// <summary>Tables, JSON, CSV and charts of prefill measurements.</summary>
public static class BenchOutputs
{
    /// <summary>The document of a benchmark.</summary>
    /// <param name="measurements">Measurements of one preset.</param>
    /// <param name="machine">The machine.</param>
    public static BenchDocument Document(IReadOnlyList<PrefillMeasurement> measurements, MachineInfo machine)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        if (measurements.Count == 0)
        {
            throw new ArgumentException("no measurements", nameof(measurements));
        }

        var first = measurements[0];
        return new BenchDocument(first.Preset, first.TextTokens, measurements.Select(m => m.Frames).Distinct().ToArray(),
            measurements.Max(m => m.TimesMs.Count), first.WarmupRuns, machine, first.MemoryMethod, measurements);
    }

    /// <summary>Indented JSON.</summary>
    /// <param name="measurements">Measurements.</param>
    /// <param name="machine">The machine.</param>
    public static string ToJson(IReadOnlyList<PrefillMeasurement> measurements, MachineInfo machine) =>
        JsonSerializer.Serialize(Document(measurements, machine), CostOutputs.Json) + "\n";

    /// <summary>
    /// The table: architecture, frames, LLM tokens, median and min latency, peak memory, and the analytic
    /// prefill GFLOPs of the same pass (LM head on every position, as the forward computes all logits) with the
    /// throughput that implies.
    /// </summary>
    /// <param name="measurements">Measurements.</param>
    public static ReportTable Table(IReadOnlyList<PrefillMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        string preset = measurements.Count > 0 ? measurements[0].Preset : string.Empty;
        var table = new ReportTable($"Measured prefill at the {preset} preset (batch 1, no_grad)", new[]
        {
            new ReportColumn("architecture", ColumnAlignment.Left), new ReportColumn("frames"), new ReportColumn("LLM tokens"),
            new ReportColumn("median ms"), new ReportColumn("min ms"), new ReportColumn("runs"), new ReportColumn("peak MiB"),
            new ReportColumn("GFLOPs"), new ReportColumn("GFLOP/s"),
        });
        foreach (var m in measurements)
        {
            table.Add(m.Stem, m.Frames.ToString(CultureInfo.InvariantCulture), Units.Count(m.StreamTokens), Units.Milliseconds(m.MedianMs), Units.Milliseconds(m.MinMs),
                m.TimesMs.Count.ToString(CultureInfo.InvariantCulture), m.PeakBytes is long p ? Units.Mebibytes(p) : "n/a",
                Units.Giga(m.AnalyticFlops), m.GflopsPerSecond.ToString("F1", CultureInfo.InvariantCulture));
        }

        if (measurements.Count > 0)
        {
            var runs = measurements.Select(m => m.TimesMs.Count).Distinct().OrderBy(c => c).ToArray();
            string count = runs.Length == 1 ? runs[0].ToString(CultureInfo.InvariantCulture) : $"{runs[0]}-{runs[^1]}";
            table.Notes.Add($"Latency: median of {count} timed runs after {measurements[0].WarmupRuns} warm-up run(s), Stopwatch around the forward call. Memory: {measurements[0].MemoryMethod}.");
            table.Notes.Add("GFLOPs: the analytic cost model for the same pass (LM head on every position, as the forward computes all logits).");
            var threads = measurements.Select(m => m.Threads).Distinct().OrderBy(t => t).ToArray();
            table.Notes.Add($"Threads: {string.Join(", ", threads.Select(MachineInfo.ThreadCount))} (libtorch intra-op, which MKL's GEMMs share) of {Environment.ProcessorCount} cores.");
            var dtypes = measurements.Select(m => m.Dtype).Distinct().ToArray();
            table.Notes.Add($"Weights and video: {string.Join(", ", dtypes)}.");
        }

        return table;
    }

    /// <summary>CSV: one row per measurement with every timed run.</summary>
    /// <param name="measurements">Measurements.</param>
    public static string ToCsv(IReadOnlyList<PrefillMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var c = CultureInfo.InvariantCulture;
        var table = new ReportTable(string.Empty, new[] { "architecture", "stem", "preset", "frames", "text_tokens", "stream_tokens", "median_ms", "min_ms", "runs_ms", "peak_bytes", "threads" }
            .Select(h => new ReportColumn(h)));
        foreach (var m in measurements)
        {
            table.Add(m.Architecture, m.Stem, m.Preset, m.Frames.ToString(c), m.TextTokens.ToString(c), m.StreamTokens.ToString(c), m.MedianMs.ToString("F3", c),
                m.MinMs.ToString("F3", c), string.Join(";", m.TimesMs.Select(t => t.ToString("F3", c))), m.PeakBytes?.ToString(c) ?? string.Empty, m.Threads.ToString(c));
        }

        return TableWriters.Csv(table);
    }

    /// <summary>Grouped horizontal bars: median latency per architecture, one bar per frame count.</summary>
    /// <param name="measurements">Measurements.</param>
    /// <param name="machine">Printed in the subtitle.</param>
    public static BarChart Chart(IReadOnlyList<PrefillMeasurement> measurements, MachineInfo? machine = null)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        var frames = measurements.Select(m => m.Frames).Distinct().OrderBy(f => f).ToArray();
        var categories = measurements.Select(m => m.Stem).Distinct()
            .Select(stem => new BarCategory(stem, frames.Select(f => measurements.FirstOrDefault(m => m.Stem == stem && m.Frames == f)?.MedianMs).ToArray()))
            .ToArray();
        string preset = measurements.Count > 0 ? measurements[0].Preset : string.Empty;
        return new BarChart
        {
            Categories = categories,
            Groups = frames.Select(f => $"{f} frames").ToArray(),
            Title = $"Measured prefill latency ({preset} preset, CPU)",
            Subtitle = machine is null ? "median of timed runs, batch 1" : $"median of timed runs, batch 1; {machine.Cpu}, {machine.Threads} threads, {machine.Blas}",
            ValueLabel = "prefill latency, ms",
            Format = v => v.ToString(v >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture),
        };
    }
}
