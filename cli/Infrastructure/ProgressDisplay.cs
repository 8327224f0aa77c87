using System;
using System.Globalization;
using CrossLMM.Zoo.Tools.Measurement;
using CrossLMM.Zoo.Tools.Tables;
using Spectre.Console;

namespace CrossLMM.Zoo.Cli.Infrastructure;

/// <summary>
/// Progress of measured cases: a live Spectre progress bar on an interactive terminal (cleared when done),
/// otherwise one line per finished case on standard error (so redirected JSON on stdout stays clean).
/// </summary>
internal static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, feeding its progress callback to the display.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="console">The console.</param>
    /// <param name="title">What is running.</param>
    /// <param name="work">The work; calls the callback when a case starts and ends.</param>
    public static T Run<T>(CliConsole console, string title, Func<Action<BenchProgress>, T> work)
    {
        if (!console.Interactive)
        {
            return work(p =>
            {
                if (p.Result is { } r)
                {
                    console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"[{p.Index + 1}/{p.Total}] {r.Stem} @ {r.Frames} frames: {r.MedianMs:F1} ms median of {r.TimesMs.Count}{(r.PeakBytes is long b ? $", peak +{Units.Mebibytes(b)} MiB" : string.Empty)}"));
                }
            });
        }

        T result = default!;
        console.Ui.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                ProgressTask? task = null;
                result = work(p =>
                {
                    task ??= context.AddTask(Markup.Escape(title), maxValue: p.Total);
                    task.Description = Markup.Escape($"{title}: {p.Stem} @ {p.Frames} frames ({p.Index + 1}/{p.Total})");
                    if (p.Result is not null)
                    {
                        task.Increment(1);
                    }
                });
            });
        return result;
    }
}
