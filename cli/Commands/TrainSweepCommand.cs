using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Tables;
using CrossLMM.Zoo.Tools.Training.Experiments;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo train-sweep RECIPE.yaml --architectures a,b,c</c>: the same recipe for several architectures, a learning-rate
/// sweep on the validation split, then several seeds at the chosen rates on the test split; writes runs.jsonl, table.md
/// and tradeoff.svg (docs/training.md, "The trade-off experiment").
/// </summary>
internal static class TrainSweepCommand
{
    public static Command Create(CliConsole console)
    {
        var recipe = new Argument<string>("recipe") { Description = "The shared recipe (its model is replaced per architecture)" };
        var architectures = new Option<string[]>("--architectures", "-a") { Description = "Stems or architecture YAML files, comma-separated", Required = true, AllowMultipleArgumentsPerToken = true };
        var lrs = new Option<string>("--lrs") { Description = "Candidate peak learning rates, comma-separated", DefaultValueFactory = _ => "0.003,0.01,0.03" };
        var pick = new Option<int>("--pick") { Description = "Learning rates kept per architecture (best validation accuracy first)", DefaultValueFactory = _ => 2 };
        var sweepSeed = new Option<int>("--sweep-seed") { Description = "Seed of the learning-rate sweep (must not be a final seed)", DefaultValueFactory = _ => 100 };
        var seeds = new Option<string>("--seeds") { Description = "Seeds of the final runs, comma-separated", DefaultValueFactory = _ => "1,2,3" };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Steps per run instead of the recipe's", HelpName = "N" };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "Where runs.jsonl, table.md and tradeoff.svg go (a rerun skips finished runs)", DefaultValueFactory = _ => Path.Combine("runs", "sweep") };
        var command = new Command("train-sweep", "Compare architectures on one recipe: learning-rate sweep on validation, seeds on test, mean ± 95% interval, tokens, FLOPs, wall time")
        {
            recipe, architectures, lrs, pick, sweepSeed, seeds, maxSteps, outputDir,
        };
        command.SetAction(ZooCli.Guard(console, command, parse => TrainCommand.WithRecipeErrors(console, () =>
        {
            var r = RecipeReader.Read(parse.GetValue(recipe)!);
            var plan = new SweepPlan(
                parse.GetValue(architectures)!.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
                Numbers(parse.GetValue(lrs)!, "--lrs", double.Parse),
                parse.GetValue(pick),
                parse.GetValue(sweepSeed),
                Numbers(parse.GetValue(seeds)!, "--seeds", (s, _, c) => int.Parse(s, NumberStyles.Integer, c)),
                parse.GetValue(maxSteps));
            foreach (var a in plan.Architectures)
            {
                _ = CrossLMM.Zoo.Tools.Catalog.ZooCatalog.ConfigOrFile(a, r.Model.Preset);   // an unknown stem or a bad file fails now, not after an hour
            }

            string output = parse.GetValue(outputDir)!;
            var result = TradeoffSweep.Run(r, plan, output, (run, done, total) => console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{done}/{total}] {run.Phase} {SweepResult.Name(run.Architecture)} lr {run.LearningRate:G3} seed {run.Seed}: validation {run.ValidationAccuracy:P1}" +
                $"{(run.TestAccuracy is double test ? $", test {test:P1}" : string.Empty)}, {run.WallSeconds:F0} s")));
            Render.Table(console.Ui, result.Table());
            console.Error.WriteLine($"wrote {Path.Combine(output, TradeoffSweep.RunsFile)}, {Path.Combine(output, "table.md")}, {Path.Combine(output, "tradeoff.svg")}");
            return 0;
        })));
        return command;
    }

    private static T[] Numbers<T>(string text, string option, Func<string, NumberStyles, IFormatProvider, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new ZooUserException($"{option} '{text}': expected comma-separated numbers");
        }
    }
}
