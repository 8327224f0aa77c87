using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools.Comparison;
using Spectre.Console;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo compare</c>: every architecture side by side — the analytic cost at paper scale over frame counts and
/// the measured prefill at a CPU-sized preset — as one table and charts under <c>out/</c>.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliConsole console)
    {
        var defaults = new ComparisonOptions();
        var output = new Option<string>("--out", "-o") { Description = "Folder for compare.md, compare.json and the SVG charts", DefaultValueFactory = _ => "out", HelpName = "dir" };
        var costPreset = new Option<string>("--preset", "-p") { Description = "Preset of the analytic cost", DefaultValueFactory = _ => defaults.CostPreset, HelpName = "name" };
        var frames = CommonOptions.FrameList(defaults.CostFrames.ToArray(), "Frame counts of the analytic cost, comma-separated");
        var text = CommonOptions.Text(defaults.TextTokens);
        var benchPreset = new Option<string>("--bench-preset") { Description = "Preset of the measured prefill", DefaultValueFactory = _ => defaults.BenchPreset, HelpName = "name" };
        var benchFrames = new Option<int[]>("--bench-frames")
        {
            Description = $"Frame counts of the measured prefill, comma-separated [default: {string.Join(",", defaults.BenchFrames)}]",
            CustomParser = CommonOptions.ParseFrames,
            AllowMultipleArgumentsPerToken = true,
            HelpName = "T[,T...]",
        };
        var runs = new Option<int>("--runs") { Description = "Timed runs per measured case", DefaultValueFactory = _ => defaults.Runs };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up runs per measured case", DefaultValueFactory = _ => defaults.Warmup };
        var budget = new Option<double>("--case-budget")
        {
            Description = "Seconds a measured case may take before it stops adding timed runs (at least one is kept; 0 = always --runs)",
            DefaultValueFactory = _ => defaults.CaseBudgetSeconds ?? 0,
            HelpName = "s",
        };
        var noBench = new Option<bool>("--no-bench") { Description = "Skip the measurements (analytic cost only; seconds)" };
        var baseline = new Option<string>("--baseline") { Description = "Architecture the ratios are relative to", DefaultValueFactory = _ => defaults.Baseline, HelpName = "stem" };
        var threads = CommonOptions.Threads();
        var architectures = new Argument<string[]>("architectures") { Description = "Stems or names to compare (default: the whole zoo)", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("compare", "Every architecture side by side: analytic cost at 7b for 32-256 frames and measured prefill latency at the small preset; writes out/compare.md, out/compare.json and SVG charts")
        {
            architectures, output, costPreset, frames, text, benchPreset, benchFrames, runs, warmup, budget, noBench, baseline, threads,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            EngineInfo.SetThreads(parse.GetValue(threads));
            var watch = Stopwatch.StartNew();
            var options = new ComparisonOptions
            {
                Architectures = parse.GetValue(architectures),
                CostPreset = parse.GetValue(costPreset)!,
                CostFrames = parse.FramesOrDefault(frames, defaults.CostFrames),
                TextTokens = parse.GetValue(text),
                BenchPreset = parse.GetValue(benchPreset)!,
                BenchFrames = parse.FramesOrDefault(benchFrames, defaults.BenchFrames),
                Runs = parse.GetValue(runs),
                Warmup = parse.GetValue(warmup),
                Measure = !parse.GetValue(noBench),
                CaseBudgetSeconds = parse.GetValue(budget) is > 0 and var seconds ? seconds : null,
                Baseline = parse.GetValue(baseline)!,
            };
            var result = ProgressDisplay.Run(console, $"prefill {options.BenchPreset}", progress => ComparisonRunner.Run(options, progress));
            Render.Table(console.Ui, ComparisonReport.Table(result));
            string directory = parse.GetValue(output)!;
            var files = ComparisonReport.Write(result, directory);
            console.Ui.WriteLine(string.Empty);
            Render.Line(console.Ui, $"wrote {files.Count} files to {Path.GetFullPath(directory)}:");
            foreach (var file in files)
            {
                Render.Line(console.Ui, "  " + file);
            }

            Render.Line(console.Ui, string.Create(CultureInfo.InvariantCulture, $"done in {watch.Elapsed.TotalSeconds:F1} s ({result.CostSeconds:F1} s analytic, {result.MeasureSeconds:F1} s measuring)"));
            return 0;
        }));
        return command;
    }
}
