using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Inference;
using CrossLMM.Zoo.Tools.Measurement;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary><c>zoo run</c>: one forward pass on a video (or random frames) and a prompt; prints token counts, timing and the top next tokens.</summary>
internal static class RunCommand
{
    public static Command Create(CliConsole console)
    {
        var architecture = new Argument<string?>("architecture")
        {
            Description = "Stem or name of a zoo architecture (zoo list); omit with --yaml or --checkpoint",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var yaml = new Option<string?>("--yaml") { Description = "Run a user's spec file instead (bound at run time, no rebuild)", HelpName = "file.yaml" };
        var preset = CommonOptions.Preset("tiny", "to build");
        var frames = CommonOptions.Frames(8);
        var video = new Option<string?>("--video") { Description = "A video file, decoded with ffmpeg: frames sampled uniformly over the duration, resized to the encoder's size", HelpName = "file.mp4" };
        var prompt = new Option<string>("--prompt") { Description = "The question", DefaultValueFactory = _ => "What happens in this video?" };
        var weights = new Option<string?>("--weights") { Description = "A checkpoint of this zoo architecture (safetensors, or a PyTorch .bin/.pth/.pt state dict read without running pickled code), loaded strictly (its state-dict names); random init otherwise", HelpName = "file.safetensors|.bin|.pth" };
        var top = new Option<int>("--top") { Description = "How many next-token candidates to print", DefaultValueFactory = _ => 5 };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var checkpoint = CheckpointOptions.Checkpoint(required: false);
        var raw = new Option<bool>("--raw") { Description = "With --checkpoint: encode the prompt as given, without the chat template" };
        var allowMissing = CheckpointOptions.AllowMissing();
        var zoo = CommonOptions.ZooFile();
        var variant = CheckpointOptions.Variant();
        var command = new Command("run", "Run one forward pass (prefill) and print token counts, timing and the most likely next tokens")
        {
            architecture, yaml, preset, frames, video, prompt, weights, top, seed, device, threads, checkpoint, raw, allowMissing, variant, zoo,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            EngineInfo.SetThreads(parse.GetValue(threads));
            string? name = parse.GetValue(architecture), file = parse.GetValue(yaml);
            if (parse.GetValue(checkpoint) is { } folder)
            {
                if (name is not null || file is not null || parse.GetValue(weights) is not null)
                {
                    throw new ZooUserException("--checkpoint runs a Hugging Face model folder: give no architecture, --yaml or --weights with it");
                }

                var r = CheckpointForward.Run(new CheckpointRunOptions(folder, parse.GetValue(prompt) ?? string.Empty, parse.GetValue(raw), null, parse.GetValue(top),
                    parse.GetValue(allowMissing), parse.GetValue(video), parse.GetValue(frames), CheckpointOptions.ParseVariant(parse.GetValue(variant))));
                PrintCheckpoint(console, r, folder);
                return 0;
            }

            string p = parse.GetValue(preset)!;
            var config = (name, file) switch
            {
                (null, null) => throw new ZooUserException("name an architecture (zoo list) or a spec with --yaml file.yaml"),
                (not null, not null) => throw new ZooUserException($"give either an architecture ('{name}') or --yaml ('{file}'), not both"),
                (not null, null) => ZooCatalog.ConfigOrFile(name, p, parse.GetValue(zoo)),
                _ => ZooCatalog.Bind(file!, p, parse.GetValue(zoo)),
            };
            var result = ForwardRunner.Run(config, new RunOptions(parse.GetValue(frames), parse.GetValue(prompt) ?? string.Empty, parse.GetValue(video),
                parse.GetValue(weights), parse.GetValue(top), parse.GetValue(seed), parse.GetValue(device)!, parse.GetValue(allowMissing)));
            Print(console, result, parse.GetValue(prompt) ?? string.Empty, parse.GetValue(seed));
            return 0;
        }));
        return command;
    }

    private static void Print(CliConsole console, RunResult r, string prompt, long seed)
    {
        var ui = console.Ui;
        var c = CultureInfo.InvariantCulture;
        var config = r.Config;
        Render.Line(ui, $"{config.Name} ({config.Stem}) at the {config.Preset} preset, " +
                        (r.Weights is null ? $"random init (seed {seed})" : $"weights {r.Weights.Path}"));
        if (r.Weights is { } w)
        {
            Render.Line(ui, $"weights: {w.Tensors} tensors, {w.Loaded} loaded, {w.Missing.Count} missing, {w.Unexpected.Count} unexpected");
            if (w.Missing.Count > 0)
            {
                Render.Line(ui, $"  missing, allowed by --allow-missing (kept random): {string.Join(", ", w.Missing.Take(8))}{(w.Missing.Count > 8 ? $", … ({w.Missing.Count} in all)" : string.Empty)}");
            }

            if (w.Unexpected.Count > 0)
            {
                Render.Line(ui, $"  unexpected (ignored): {string.Join(", ", w.Unexpected.Take(8))}{(w.Unexpected.Count > 8 ? $", … ({w.Unexpected.Count} in all)" : string.Empty)}");
            }
        }

        string input = StageFormat(r.InputShape);
        if (r.Video is { } v)
        {
            Render.Line(ui, string.Create(c, $"video: {v.Path} ({v.DurationSeconds:F2} s, {v.FrameCount} frames, {v.Width}x{v.Height}, {v.FrameRate:F2} fps)"));
            Render.Line(ui, $"frames: {r.FrameIndices.Length} sampled uniformly (source frames {string.Join(", ", r.FrameIndices)}) → {input}");
        }
        else
        {
            Render.Line(ui, $"video: random frames (seed {seed + 1}) → {input}");
        }

        Render.Line(ui, $"prompt: {Quote(prompt)} → {r.PromptIds.Length} tokens ({r.Tokenizer}, BOS first)");
        var sources = string.Join(", ", r.Counts.SourceTokens.OrderBy(kv => kv.Key).Select(kv => $"{YamlNames.Of(kv.Key)} {kv.Value}"));
        Render.Line(ui, $"tokens: LLM stream {r.Counts.TotalSequence} = {r.Counts.VisualTokensInStream} visual + {r.Counts.TextTokens} text" +
                        (sources.Length > 0 ? $"; fusion sources: {sources}" : string.Empty));
        Render.Line(ui, string.Create(c, $"time: build {r.BuildMs:F1} ms, prefill {r.PrefillMs:F1} ms (no_grad, batch 1, {r.Device}, {MachineInfo.ThreadCount(r.Threads)})"));
        var table = new ReportTable($"top {r.Top.Count} next tokens", new[]
        {
            new ReportColumn("rank"), new ReportColumn("id"), new ReportColumn("token", ColumnAlignment.Left), new ReportColumn("prob"), new ReportColumn("logit"),
        });
        foreach (var t in r.Top)
        {
            table.Add(t.Rank.ToString(c), t.Id.ToString(c), t.Text, t.Probability.ToString("F4", c), t.Logit.ToString("F4", c));
        }

        Render.Table(ui, table);
    }

    private static void PrintCheckpoint(CliConsole console, CheckpointRunResult r, string folder)
    {
        var ui = console.Ui;
        var c = CultureInfo.InvariantCulture;
        Render.Line(ui, $"{r.Description} from {folder}");
        Render.Line(ui, $"weights: {r.Report.Loaded} tensors loaded strictly from {string.Join(", ", r.Files.Select(System.IO.Path.GetFileName))}" +
                        (r.Report.Converted.Count > 0 ? $" ({string.Join(", ", r.Report.Converted.Select(kv => $"{kv.Value} converted from {kv.Key}"))})" : string.Empty) +
                        (r.Report.AllowedMissing.Count > 0 ? $"; {r.Report.AllowedMissing.Count} allowed missing (kept at their initialisation)" : string.Empty));
        Render.Line(ui, string.Create(c, $"time: load {r.LoadMs:F1} ms, forward {r.PrefillMs:F1} ms (no_grad, batch 1, cpu)"));
        foreach (var line in r.Outputs)
        {
            Render.Line(ui, line);
        }

        if (r.Top.Count == 0)
        {
            return;
        }

        Render.Line(ui, $"prompt: {r.PromptIds.Length} tokens (qwen2-bpe)");
        var table = new ReportTable($"top {r.Top.Count} next tokens", new[]
        {
            new ReportColumn("rank"), new ReportColumn("id"), new ReportColumn("token", ColumnAlignment.Left), new ReportColumn("prob"), new ReportColumn("logit"),
        });
        foreach (var t in r.Top)
        {
            table.Add(t.Rank.ToString(c), t.Id.ToString(c), t.Text, t.Probability.ToString("F4", c), t.Logit.ToString("F4", c));
        }

        Render.Table(ui, table);
    }

    private static string StageFormat(long[] shape) => "(" + string.Join(", ", shape) + ")";

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
