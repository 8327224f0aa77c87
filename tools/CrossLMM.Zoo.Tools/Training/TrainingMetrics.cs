using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrossLMM.Zoo.Tools.Charts;

namespace CrossLMM.Zoo.Tools.Training;

/// <summary>One optimizer step, as written to <c>metrics.jsonl</c> (snake_case keys).</summary>
/// <param name="Step">1-based step.</param>
/// <param name="Loss">Mean loss of the step's micro-batches.</param>
/// <param name="Accuracy">Fraction of the step's scored items right.</param>
/// <param name="Lr">The learning rate used.</param>
/// <param name="GradNorm">Global gradient L2 norm before clipping.</param>
/// <param name="Tokens">Stream tokens of the step (visual + text, all micro-batches).</param>
/// <param name="TokensPerS">Tokens / wall seconds of the step (data wait included).</param>
/// <param name="ElapsedS">Training wall time since the run began (resumed runs continue the count).</param>
/// <param name="ValLoss">Validation loss when evaluated after this step.</param>
/// <param name="ValAccuracy">Validation accuracy when evaluated after this step.</param>
public sealed record StepMetrics(int Step, double Loss, double Accuracy, double Lr, double GradNorm, long Tokens, double TokensPerS, double ElapsedS,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValLoss = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ValAccuracy = null);

/// <summary>Loss and accuracy on a held-out split.</summary>
/// <param name="Split">validation or test.</param>
/// <param name="Step">Steps trained before it.</param>
/// <param name="Loss">Mean loss per scored item.</param>
/// <param name="Accuracy">Fraction right.</param>
/// <param name="Count">Scored items.</param>
public sealed record EvaluationResult(string Split, int Step, double Loss, double Accuracy, long Count);

/// <summary>The metric files of a run: <c>metrics.jsonl</c>, <c>evaluations.jsonl</c>, <c>metrics.csv</c> and the charts.</summary>
public static class TrainingMetrics
{
    /// <summary>Per-step metrics, one JSON object per line.</summary>
    public const string StepsFile = "metrics.jsonl";

    /// <summary>Held-out evaluations, one JSON object per line.</summary>
    public const string EvaluationsFile = "evaluations.jsonl";

    /// <summary>Per-step metrics as CSV.</summary>
    public const string CsvFile = "metrics.csv";

    /// <summary>Loss chart.</summary>
    public const string LossChartFile = "loss.svg";

    /// <summary>Accuracy chart.</summary>
    public const string AccuracyChartFile = "accuracy.svg";

    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>One JSON line.</summary>
    /// <param name="value">A record.</param>
    public static string Line<T>(T value) => JsonSerializer.Serialize(value, Json);

    /// <summary>Reads a JSONL metrics file (missing: empty).</summary>
    /// <param name="path">The file.</param>
    public static IReadOnlyList<T> Read<T>(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<T>(l, Json)!).ToArray()
            : Array.Empty<T>();

    /// <summary>Keeps the lines of a JSONL file whose <c>step</c> is at most <paramref name="step"/> (a resumed run rewrites the rest).</summary>
    /// <param name="path">The file.</param>
    /// <param name="step">The checkpoint's step.</param>
    public static void TruncateAfter(string path, int step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadLines(path)
            .Where(l => l.Length > 0 && JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32() <= step)
            .ToArray();
        File.WriteAllLines(path, kept);
    }

    /// <summary>The steps as CSV (invariant culture; empty cells where a step had no evaluation).</summary>
    /// <param name="steps">The steps.</param>
    public static string ToCsv(IEnumerable<StepMetrics> steps)
    {
        var text = new StringBuilder("step,loss,accuracy,lr,grad_norm,tokens,tokens_per_s,elapsed_s,val_loss,val_accuracy\n");
        foreach (var s in steps)
        {
            text.Append(string.Join(",", new object?[] { s.Step, s.Loss, s.Accuracy, s.Lr, s.GradNorm, s.Tokens, s.TokensPerS, s.ElapsedS, s.ValLoss, s.ValAccuracy }
                .Select(v => v is null ? string.Empty : Convert.ToString(v, CultureInfo.InvariantCulture)))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Training loss (mean over a 10-step window) and validation loss over steps.</summary>
    /// <param name="title">Chart title (the run).</param>
    /// <param name="steps">The steps.</param>
    /// <param name="validation">Validation evaluations.</param>
    public static LineChart LossChart(string title, IReadOnlyList<StepMetrics> steps, IReadOnlyList<EvaluationResult> validation) =>
        Chart(title, "loss", steps, validation, s => s.Loss, e => e.Loss, ScaleKind.Log, v => v.ToString("G2", CultureInfo.InvariantCulture));

    /// <summary>Training accuracy (mean over a 10-step window) and validation accuracy over steps, in %.</summary>
    /// <param name="title">Chart title (the run).</param>
    /// <param name="steps">The steps.</param>
    /// <param name="validation">Validation evaluations.</param>
    public static LineChart AccuracyChart(string title, IReadOnlyList<StepMetrics> steps, IReadOnlyList<EvaluationResult> validation) =>
        Chart(title, "accuracy (%)", steps, validation, s => s.Accuracy * 100, e => e.Accuracy * 100, ScaleKind.Linear, v => v.ToString("0", CultureInfo.InvariantCulture));

    private static LineChart Chart(string title, string what, IReadOnlyList<StepMetrics> steps, IReadOnlyList<EvaluationResult> validation,
        Func<StepMetrics, double> train, Func<EvaluationResult, double> held, ScaleKind scale, Func<double, string> format)
    {
        var series = new List<ChartSeries>
        {
            ChartSeries.Of("training batches (10-step mean)", steps.Select((s, i) =>
                ((double)s.Step, steps.Skip(Math.Max(0, i - 9)).Take(Math.Min(10, i + 1)).Average(train)))),
        };
        if (validation.Count > 0)
        {
            series.Add(ChartSeries.Of("validation", validation.Select(e => ((double)e.Step, held(e))), emphasized: true));
        }

        return new LineChart
        {
            Series = series,
            Title = title,
            Subtitle = $"{what} over training steps",
            XLabel = "step",
            YLabel = what,
            XScale = ScaleKind.Linear,
            YScale = scale,
            YFormat = format,
        };
    }
}
