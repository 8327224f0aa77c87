using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Tables;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Tools.Training.Experiments;

/// <summary>What <see cref="TradeoffSweep.Run"/> compares.</summary>
/// <param name="Architectures">Stems or architecture YAML paths; everything else comes from the recipe.</param>
/// <param name="LearningRates">Candidate peak learning rates for the validation sweep.</param>
/// <param name="Pick">How many of the candidates (best validation accuracy first) each architecture is then run at.</param>
/// <param name="SweepSeed">Seed of the learning-rate sweep (kept apart from <paramref name="Seeds"/>).</param>
/// <param name="Seeds">Seeds of the final runs.</param>
/// <param name="MaxSteps">Steps per run instead of the recipe's (null: the recipe's).</param>
public sealed record SweepPlan(IReadOnlyList<string> Architectures, IReadOnlyList<double> LearningRates, int Pick, int SweepSeed, IReadOnlyList<int> Seeds, int? MaxSteps = null);

/// <summary>One run of a sweep.</summary>
/// <param name="Phase">"lr-sweep" (scored on validation) or "final" (scored on test).</param>
/// <param name="Architecture">The architecture as given.</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="Seed">Seed (model and data).</param>
/// <param name="ValidationAccuracy">Final validation accuracy.</param>
/// <param name="ValidationLoss">Final validation loss.</param>
/// <param name="TestAccuracy">Test accuracy (final runs; null for the sweep, whose runs never see the test split).</param>
/// <param name="TestLoss">Test loss (final runs).</param>
/// <param name="Steps">Steps trained.</param>
/// <param name="Tokens">Stream tokens processed in training.</param>
/// <param name="TokensPerSample">Stream tokens of one sample (visual in the LLM + text).</param>
/// <param name="ForwardFlopsPerSample">Counted forward FLOPs of one sample.</param>
/// <param name="TrainingFlops">≈ 3 × forward × samples.</param>
/// <param name="WallSeconds">Training wall time.</param>
public sealed record SweepRun(string Phase, string Architecture, double LearningRate, int Seed, double ValidationAccuracy, double ValidationLoss,
    double? TestAccuracy, double? TestLoss, int Steps, long Tokens, long TokensPerSample, long ForwardFlopsPerSample, double TrainingFlops, double WallSeconds);

/// <summary>A whole sweep: every run, the learning rates chosen, and the report.</summary>
/// <param name="Plan">The plan.</param>
/// <param name="Runs">Every run, sweep first.</param>
/// <param name="Chosen">The learning rates chosen on validation, per architecture.</param>
public sealed record SweepResult(SweepPlan Plan, IReadOnlyList<SweepRun> Runs, IReadOnlyDictionary<string, IReadOnlyList<double>> Chosen)
{
    /// <summary>The final runs of one architecture at one learning rate.</summary>
    public IReadOnlyList<SweepRun> Final(string architecture, double lr) =>
        Runs.Where(r => r.Phase == "final" && r.Architecture == architecture && r.LearningRate == lr).ToArray();

    /// <summary>The report: per architecture and chosen learning rate, mean ± 95 % interval of test accuracy, and costs.</summary>
    public ReportTable Table()
    {
        var table = new ReportTable("Held-out (test) accuracy, mean ± 95 % t-interval over seeds", new[]
        {
            new ReportColumn("architecture", ColumnAlignment.Left), new ReportColumn("lr"), new ReportColumn("seeds"), new ReportColumn("test accuracy"),
            new ReportColumn("validation accuracy"), new ReportColumn("LLM tokens / sample"), new ReportColumn("fwd FLOPs / sample"),
            new ReportColumn("training FLOPs / run"), new ReportColumn("tokens / run"), new ReportColumn("wall s / run (mean)"),
        });
        foreach (string architecture in Plan.Architectures)
        {
            foreach (double lr in Chosen[architecture])
            {
                var runs = Final(architecture, lr);
                if (runs.Count == 0) continue;
                table.Add(Name(architecture), lr.ToString("G3", CultureInfo.InvariantCulture), string.Join(" ", runs.Select(r => r.Seed)),
                    MeanInterval.Of(runs.Select(r => r.TestAccuracy!.Value * 100)).ToString("F1") + " %",
                    MeanInterval.Of(runs.Select(r => r.ValidationAccuracy * 100)).ToString("F1") + " %",
                    runs[0].TokensPerSample.ToString(CultureInfo.InvariantCulture), Units.Compact(runs[0].ForwardFlopsPerSample),
                    Units.Compact(runs.Average(r => r.TrainingFlops)), Units.Compact(runs.Average(r => (double)r.Tokens)),
                    runs.Average(r => r.WallSeconds).ToString("F0", CultureInfo.InvariantCulture));
            }
        }

        table.Notes.Add($"Learning rates chosen per architecture among {string.Join(", ", Plan.LearningRates.Select(l => l.ToString("G3", CultureInfo.InvariantCulture)))} by validation accuracy at seed {Plan.SweepSeed} (the test split is never used to choose).");
        table.Notes.Add("Training FLOPs ≈ 3 × counted forward FLOPs × samples seen (backward ≈ 2 × forward).");
        return table;
    }

    /// <summary>
    /// Test accuracy against training FLOPs: one whisker (low, mean, high of the 95 % interval, clipped to 0–100 %) per
    /// architecture and learning rate; the learning rates of one architecture are drawn a few percent apart on x so
    /// that their whiskers do not hide each other.
    /// </summary>
    public LineChart Chart()
    {
        var series = new List<ChartSeries>();
        var ticks = new List<double>();
        foreach (string architecture in Plan.Architectures)
        {
            var rates = Chosen[architecture];
            var all = rates.SelectMany(lr => Final(architecture, lr)).ToArray();
            if (all.Length > 0) ticks.Add(all.Average(r => r.TrainingFlops));
            for (int i = 0; i < rates.Count; i++)
            {
                var runs = Final(architecture, rates[i]);
                if (runs.Count == 0) continue;
                var interval = MeanInterval.Of(runs.Select(r => r.TestAccuracy!.Value * 100));
                double half = double.IsNaN(interval.HalfWidth) ? 0 : interval.HalfWidth;
                double x = runs.Average(r => r.TrainingFlops) * (1 + 0.05 * (i - (rates.Count - 1) / 2.0));
                series.Add(ChartSeries.Of($"{Name(architecture)}, lr {rates[i].ToString("G3", CultureInfo.InvariantCulture)}",
                    new[] { (x, Math.Max(0, interval.Mean - half)), (x, interval.Mean), (x, Math.Min(100, interval.Mean + half)) },
                    emphasized: architecture.Contains("crosslmm", StringComparison.OrdinalIgnoreCase)));
            }
        }

        return new LineChart
        {
            Series = series,
            Title = "Accuracy against training compute",
            Subtitle = $"test accuracy: mean (middle dot) and 95 % t-interval over {Plan.Seeds.Count} seeds, clipped to 0–100 %; x = training FLOPs per run",
            XLabel = "training FLOPs per run (≈ 3 × forward × samples)",
            YLabel = "test accuracy (%)",
            XScale = ScaleKind.Log,
            XTicks = ticks,
            YScale = ScaleKind.Linear,
            YFormat = v => v.ToString("0", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A short display name (the file name without .yaml for a path).</summary>
    /// <param name="architecture">Stem or path.</param>
    public static string Name(string architecture) =>
        architecture.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) ? Path.GetFileNameWithoutExtension(architecture) : architecture;
}

/// <summary>
/// The acceptance experiment of the training issue, generalised: the same recipe for several architectures, a small
/// learning-rate sweep scored on the validation split, then several seeds at the chosen rates scored on the test split.
/// Runs one at a time on one thread (results do not depend on what else runs); every finished run is appended to
/// <c>runs.jsonl</c> at once, so an interrupted sweep keeps what it finished and <see cref="Run"/> skips those on a rerun.
/// </summary>
public static class TradeoffSweep
{
    /// <summary>Each finished run, one JSON object per line.</summary>
    public const string RunsFile = "runs.jsonl";

    /// <summary>Runs (or continues) a sweep.</summary>
    /// <param name="recipe">The shared recipe (its model is replaced per architecture; lr and seed per run).</param>
    /// <param name="plan">What to compare.</param>
    /// <param name="outputDirectory">Where runs.jsonl, table.md and tradeoff.svg go (null: nowhere).</param>
    /// <param name="onRun">Called after each run (progress).</param>
    public static SweepResult Run(TrainingRecipe recipe, SweepPlan plan, string? outputDirectory, Action<SweepRun, int, int>? onRun = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Architectures.Count == 0 || plan.LearningRates.Count == 0 || plan.Seeds.Count == 0)
        {
            throw new ArgumentException("a sweep needs at least one architecture, learning rate and seed", nameof(plan));
        }

        if (plan.Pick < 1 || plan.Pick > plan.LearningRates.Count)
        {
            throw new ArgumentException($"pick ({plan.Pick}) must be in 1 … {plan.LearningRates.Count} (the candidate learning rates)", nameof(plan));
        }

        if (plan.Seeds.Contains(plan.SweepSeed))
        {
            throw new ArgumentException($"the sweep seed ({plan.SweepSeed}) must differ from the final seeds ({string.Join(", ", plan.Seeds)})", nameof(plan));
        }

        string? log = outputDirectory is null ? null : Path.Combine(outputDirectory, RunsFile);
        if (outputDirectory is not null) Directory.CreateDirectory(outputDirectory);
        var runs = log is not null && File.Exists(log)
            ? File.ReadLines(log).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<SweepRun>(l, TrainingMetrics.Json)!).ToList()
            : new List<SweepRun>();
        int total = plan.Architectures.Count * (plan.LearningRates.Count + plan.Pick * plan.Seeds.Count), done = 0;

        SweepRun Once(string phase, string architecture, double lr, int seed)
        {
            var existing = runs.FirstOrDefault(r => r.Phase == phase && r.Architecture == architecture && r.LearningRate == lr && r.Seed == seed);
            if (existing is not null)
            {
                onRun?.Invoke(existing, ++done, total);
                return existing;
            }

            var variant = recipe with
            {
                Model = recipe.Model with { Architecture = architecture },
                Optimizer = recipe.Optimizer with { Lr = lr },
                Seed = seed,
                Data = recipe.Data with { Seed = null },
                CheckpointEvery = 0,
            };
            var run = Trainer.Run(variant, new TrainingRunOptions(MaxSteps: plan.MaxSteps));
            var validation = run.Validation.Count > 0 ? run.Validation[^1] : throw new ZooUserException($"{recipe.Path}: a sweep needs a validation split");
            var result = new SweepRun(phase, architecture, lr, seed, validation.Accuracy, validation.Loss,
                phase == "final" ? run.Test?.Accuracy : null, phase == "final" ? run.Test?.Loss : null,
                run.CompletedSteps, run.Tokens, run.Samples == 0 ? 0 : run.Tokens / run.Samples, run.ForwardFlopsPerSample, run.TrainingFlops, run.WallSeconds);
            runs.Add(result);
            if (log is not null) File.AppendAllText(log, TrainingMetrics.Line(result) + "\n");
            onRun?.Invoke(result, ++done, total);
            return result;
        }

        var chosen = new Dictionary<string, IReadOnlyList<double>>(StringComparer.Ordinal);
        foreach (string architecture in plan.Architectures)
        {
            var sweep = plan.LearningRates.Select(lr => Once("lr-sweep", architecture, lr, plan.SweepSeed)).ToArray();
            chosen[architecture] = sweep.OrderByDescending(r => r.ValidationAccuracy).ThenBy(r => r.ValidationLoss).Take(plan.Pick).Select(r => r.LearningRate).OrderBy(l => l).ToArray();
        }

        var final = new SweepResult(plan, runs, chosen);
        foreach (string architecture in plan.Architectures)
        {
            foreach (double lr in chosen[architecture])
            {
                foreach (int seed in plan.Seeds)
                {
                    Once("final", architecture, lr, seed);
                    if (outputDirectory is not null) WriteReport(outputDirectory, final with { Runs = runs.ToArray() });
                }
            }
        }

        final = final with { Runs = runs.ToArray() };
        if (outputDirectory is not null) WriteReport(outputDirectory, final);
        return final;
    }

    /// <summary>
    /// Reads a sweep's <c>runs.jsonl</c> back (e.g. the committed results of the full experiment) and rebuilds the plan and
    /// the learning rates chosen on validation from it.
    /// </summary>
    /// <param name="directory">The sweep's output folder.</param>
    /// <param name="pick">Learning rates chosen per architecture (as in the run).</param>
    /// <exception cref="ZooUserException">No runs.jsonl there.</exception>
    public static SweepResult Load(string directory, int pick = 2)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string log = Path.Combine(directory, RunsFile);
        if (!File.Exists(log)) throw new ZooUserException($"no {RunsFile} in '{directory}'");
        var runs = File.ReadLines(log).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<SweepRun>(l, TrainingMetrics.Json)!).ToArray();
        var sweep = runs.Where(r => r.Phase == "lr-sweep").ToArray();
        var architectures = runs.Select(r => r.Architecture).Distinct().ToArray();
        var chosen = architectures.ToDictionary(a => a, a => (IReadOnlyList<double>)sweep.Where(r => r.Architecture == a)
            .OrderByDescending(r => r.ValidationAccuracy).ThenBy(r => r.ValidationLoss).Take(pick).Select(r => r.LearningRate).OrderBy(l => l).ToArray(), StringComparer.Ordinal);
        var plan = new SweepPlan(architectures, sweep.Select(r => r.LearningRate).Distinct().OrderBy(l => l).ToArray(), pick,
            sweep.Select(r => r.Seed).FirstOrDefault(), runs.Where(r => r.Phase == "final").Select(r => r.Seed).Distinct().OrderBy(s => s).ToArray());
        return new SweepResult(plan, runs, chosen);
    }

    /// <summary>Writes table.md and tradeoff.svg.</summary>
    /// <param name="outputDirectory">The folder.</param>
    /// <param name="result">The sweep so far.</param>
    public static void WriteReport(string outputDirectory, SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        File.WriteAllText(Path.Combine(outputDirectory, "table.md"), TableWriters.Markdown(result.Table()));
        File.WriteAllText(Path.Combine(outputDirectory, "tradeoff.svg"), result.Chart().ToSvg());
    }
}
