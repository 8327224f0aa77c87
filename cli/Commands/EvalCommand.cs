using System;
using System.CommandLine;
using System.Globalization;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Training;
using CrossLMM.Zoo.Tools.Training.Checkpointing;
using CrossLMM.Zoo.Tools.Training.Data;
using CrossLMM.Zoo.Tools.Training.Recipes;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary><c>zoo eval RECIPE.yaml --checkpoint DIR</c>: loss and accuracy of a trained checkpoint on a held-out split.</summary>
internal static class EvalCommand
{
    public static Command Create(CliConsole console)
    {
        var recipe = new Argument<string>("recipe") { Description = "The recipe the checkpoint was trained with" };
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint folder, or a run folder (its newest checkpoint); verified against its SHA-256 manifest", HelpName = "DIR", Required = true };
        var split = CommonOptions.Choice("--split", "The held-out split (test is the one to report; validation is for choosing)", EvaluationSplit.Test);
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("eval", "Evaluate a trained checkpoint on the held-out split of its recipe's data: loss and accuracy")
        {
            recipe, checkpoint, split, format,
        };
        command.SetAction(ZooCli.Guard(console, command, parse => TrainCommand.WithRecipeErrors(console, () =>
        {
            var r = RecipeReader.Read(parse.GetValue(recipe)!);
            var info = CheckpointStore.Open(parse.GetValue(checkpoint)!);
            int previous = EngineInfo.IntraOpThreads;
            EngineInfo.SetThreads(1);
            try
            {
                using var setup = TrainingModel.Create(r);
                Trainer.LoadWeights(setup, info);
                var which = parse.GetValue(split) ?? EvaluationSplit.Test;
                var result = Trainer.Evaluate(setup, which, info.State.Step)
                    ?? throw new ZooUserException($"{r.Path}: the data has no {which.ToString().ToLowerInvariant()} split (give data.{which.ToString().ToLowerInvariant()} a JSONL file)");
                if (parse.GetValue(format) == OutputFormat.Json)
                {
                    console.Out.WriteLine(TrainingMetrics.Line(result));
                }
                else
                {
                    console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{setup.Config.Stem} ({setup.Config.Preset}) after {info.State.Step} steps, {result.Split} split: loss {result.Loss:F4}, accuracy {result.Accuracy:P2} ({result.Count} {setup.Data.ScoredUnit})"));
                }

                return 0;
            }
            finally
            {
                EngineInfo.SetThreads(previous);
            }
        })));
        return command;
    }
}
