using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Tables;
using CrossLMM.Zoo.Tools.Training;
using CrossLMM.Zoo.Tools.Training.Checkpointing;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo train RECIPE.yaml</c>: runs a training recipe (docs/training.md) with a progress bar, metrics, charts,
/// checkpoints and resume. SIGINT/SIGTERM stop after the current step and write a final checkpoint (exit code 130).
/// </summary>
internal static class TrainCommand
{
    /// <summary>Exit code of a run stopped by a signal (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    public static Command Create(CliConsole console)
    {
        var recipe = new Argument<string>("recipe") { Description = "A training recipe (YAML; see recipes/ and docs/training.md)" };
        var outputDir = new Option<string?>("--output-dir", "-o") { Description = "Where metrics, charts, checkpoints and the export go (default: runs/<recipe name>)", HelpName = "DIR" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Total optimizer steps instead of the recipe's (the schedule follows)", HelpName = "N" };
        var resume = new Option<string?>("--resume") { Description = "Continue a run exactly: its output folder (newest checkpoint) or one checkpoint folder", HelpName = "DIR" };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop after step N with a checkpoint, schedule unchanged (resume later with --resume)", HelpName = "N" };
        var threads = new Option<int>("--threads") { Description = "libtorch intra-op threads while training (1 by default: the zoo's rule for training, see docs/training.md)", DefaultValueFactory = _ => 1, CustomParser = CommonOptions.ParseThreads, HelpName = "N" };
        var command = new Command("train", "Train or fine-tune from a recipe: AdamW, cosine schedule, freezing, LoRA, checkpoints, exact resume, metrics and charts")
        {
            recipe, outputDir, maxSteps, resume, stopAfter, threads,
        };
        command.SetAction(ZooCli.Guard(console, command, parse => WithRecipeErrors(console, () =>
        {
            var r = RecipeReader.Read(parse.GetValue(recipe)!);
            string? resumeFrom = parse.GetValue(resume);
            string output = parse.GetValue(outputDir) ?? (resumeFrom is not null ? RunFolderOf(resumeFrom) : Path.Combine("runs", Path.GetFileNameWithoutExtension(r.Path)));
            if (resumeFrom is null && CheckpointStore.Complete(Path.Combine(output, CheckpointStore.Folder)).Count > 0)
            {
                throw new ZooUserException($"'{output}' already holds checkpoints of a run; continue it with --resume {output}, or choose another --output-dir");
            }

            if (parse.GetValue(maxSteps) is < 1 || parse.GetValue(stopAfter) is < 1)
            {
                throw new ZooUserException("--max-steps and --stop-after must be ≥ 1");
            }

            using var cancel = new CancellationTokenSource();
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Stop(c, cancel, console));
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Stop(c, cancel, console));
            console.Error.WriteLine($"training {r.Model.Architecture} ({r.Model.Preset}) from {r.Path} → {output}{(resumeFrom is null ? string.Empty : $" (resuming {resumeFrom})")}");
            var run = WithProgress(console, (onStep, onEvaluation) => Trainer.Run(r, new TrainingRunOptions(
                output, parse.GetValue(maxSteps), resumeFrom, parse.GetValue(stopAfter), parse.GetValue(threads), cancel.Token, onStep, onEvaluation)));
            Summarise(console, run, output);
            return run.Interrupted && cancel.IsCancellationRequested ? Interrupted : 0;
        })));
        return command;
    }

    /// <summary>Runs a body; a <see cref="RecipeException"/> becomes one stderr line per diagnostic and exit code 1.</summary>
    /// <param name="console">The console.</param>
    /// <param name="body">The command body.</param>
    internal static int WithRecipeErrors(CliConsole console, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (RecipeException e)
        {
            foreach (var d in e.Diagnostics)
            {
                console.Error.WriteLine(d.ToString());
            }

            return 1;
        }
    }

    /// <summary>One progress line: step, loss, accuracy, learning rate, tokens/s and ETA.</summary>
    /// <param name="m">The step.</param>
    /// <param name="total">Total steps.</param>
    /// <param name="started">Steps completed when this session began (for the ETA).</param>
    /// <param name="sessionSeconds">Seconds this session has trained.</param>
    internal static string Line(StepMetrics m, int total, int started, double sessionSeconds)
    {
        double perStep = m.Step > started ? sessionSeconds / (m.Step - started) : 0;
        var eta = TimeSpan.FromSeconds(Math.Max(0, (total - m.Step) * perStep));
        string val = m.ValAccuracy is double a ? string.Create(CultureInfo.InvariantCulture, $" | val loss {m.ValLoss:F4} acc {a:P1}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"step {m.Step}/{total} loss {m.Loss:F4} acc {m.Accuracy:P1} lr {m.Lr:0.###e+0} {m.TokensPerS:N0} tok/s ETA {(int)eta.TotalMinutes}:{eta.Seconds:D2}{val}");
    }

    private static TrainingRun WithProgress(CliConsole console, Func<Action<StepMetrics, int>, Action<EvaluationResult>, TrainingRun> train)
    {
        int? started = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Evaluation(EvaluationResult e) => console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Split} after step {e.Step}: loss {e.Loss:F4}, accuracy {e.Accuracy:P1} ({e.Count} scored)"));
        if (!console.Interactive)
        {
            return train((m, total) =>
            {
                started ??= m.Step - 1;
                int every = Math.Max(1, total / 20);
                if (m.Step % every == 0 || m.Step == total || m.Step == started + 1)
                {
                    console.Error.WriteLine(Line(m, total, started.Value, clock.Elapsed.TotalSeconds));
                }
            }, Evaluation);
        }

        // A live line redrawn with '\r' from the training thread itself: no render thread (Spectre's live progress
        // allocates on its own thread, and another thread's allocation can start a GC inside a native call; see
        // BatchPrefetcher). Evaluations get their own lines.
        int width = 0;
        var run = train((m, total) =>
        {
            started ??= m.Step - 1;
            const int bar = 24;
            int filled = (int)Math.Round(bar * (double)m.Step / total);
            string text = $"[{new string('#', filled)}{new string('.', bar - filled)}] " + Line(m, total, started.Value, clock.Elapsed.TotalSeconds);
            console.Error.Write("\r" + text.PadRight(width));
            width = text.Length;
        }, e =>
        {
            console.Error.Write("\r" + new string(' ', width) + "\r");
            Evaluation(e);
        });
        console.Error.WriteLine();
        return run;
    }

    private static void Summarise(CliConsole console, TrainingRun run, string output)
    {
        var table = new ReportTable($"{run.Architecture}: {run.CompletedSteps}/{run.TotalSteps} steps{(run.Interrupted ? " (stopped early)" : string.Empty)}", new[]
        {
            new ReportColumn("what", ColumnAlignment.Left), new ReportColumn("value", ColumnAlignment.Left),
        });
        var last = run.Steps.Count > 0 ? run.Steps[^1] : null;
        table.Add("final training loss", last is null ? "-" : last.Loss.ToString("F4", CultureInfo.InvariantCulture));
        if (run.Validation.Count > 0) table.Add("validation accuracy", $"{run.Validation[^1].Accuracy.ToString("P1", CultureInfo.InvariantCulture)} (loss {run.Validation[^1].Loss.ToString("F4", CultureInfo.InvariantCulture)}, step {run.Validation[^1].Step})");
        if (run.Test is { } t) table.Add("test accuracy", $"{t.Accuracy.ToString("P1", CultureInfo.InvariantCulture)} (loss {t.Loss.ToString("F4", CultureInfo.InvariantCulture)})");
        table.Add("parameters trained", $"{run.TrainableParameters:N0} of {run.TotalParameters:N0}");
        table.Add("tokens / FLOPs", $"{Units.Compact(run.Tokens)} tokens, ≈ {Units.Compact(run.TrainingFlops)} FLOPs (3 × forward {Units.Compact(run.ForwardFlopsPerSample)} per sample)");
        table.Add("wall time", $"{run.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        table.Add("metrics", $"{Path.Combine(output, TrainingMetrics.StepsFile)}, {TrainingMetrics.CsvFile}, {TrainingMetrics.LossChartFile}, {TrainingMetrics.AccuracyChartFile}");
        if (run.LastCheckpoint is { } c) table.Add("checkpoint", c);
        if (run.Interrupted) table.Add("resume with", $"zoo train {run.Recipe.Path} --resume {output}");
        else table.Add("export", Path.Combine(output, Trainer.ExportFolder, "model.safetensors") + (run.Recipe.Lora is null ? string.Empty : " (LoRA merged)"));
        Render.Table(console.Ui, table);
    }

    private static void Stop(PosixSignalContext context, CancellationTokenSource cancel, CliConsole console)
    {
        if (cancel.IsCancellationRequested)
        {
            return;   // a second signal: the default action ends the process (the last complete checkpoint stays intact)
        }

        context.Cancel = true;
        console.Error.WriteLine($"zoo train: {context.Signal}: stopping after this step and writing a checkpoint (send it again to stop at once)");
        cancel.Cancel();
    }

    private static string RunFolderOf(string resume) =>
        File.Exists(Path.Combine(resume, CheckpointStore.ManifestFile))
            ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(resume).TrimEnd(Path.DirectorySeparatorChar)))!
            : resume;
}
