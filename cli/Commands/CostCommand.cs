using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Charts;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary><c>zoo cost</c>: the analytic cost model over architectures and frame counts (nothing is allocated).</summary>
internal static class CostCommand
{
    public static Command Create(CliConsole console)
    {
        var architectures = new Argument<string[]>("architectures")
        {
            Description = "Stems or names (zoo list), spec files (.yaml), or 'all' (the default)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var preset = CommonOptions.Preset("7b", "to cost");
        int[] defaultFrames = { 32, 64, 128, 256 };
        var frames = CommonOptions.FrameList(defaultFrames, "Frame counts T, comma-separated");
        var text = CommonOptions.Text(64);
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown);
        var svg = CommonOptions.Svg("a line chart over frames (one series per architecture)");
        var chart = CommonOptions.Choice("--chart", "What the SVG plots", CostMetric.Flops);
        var scale = CommonOptions.Choice("--scale", "Y scale of the SVG", ScaleKind.Log);
        var convention = CommonOptions.Choice(
            "--convention",
            "How FLOPs are counted: exact (the zoo's: 2 per multiply-add of every product, equal to the FLOP hook) or paper " +
            "(the CrossLMM paper's: MACs of the vision encoder + the LLM's linear layers × tokens, no attention scores, no fusion layers)",
            CostConvention.Exact);
        var zoo = CommonOptions.ZooFile();
        var command = new Command("cost", "Analytic cost: LLM tokens, FLOPs per component, KV-cache bytes and parameters over frame counts (no allocation)")
        {
            architectures, preset, frames, text, format, svg, chart, scale, convention, zoo,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            var configs = ZooCatalog.Configs(parse.GetValue(architectures), parse.GetValue(preset)!, parse.GetValue(zoo));
            var reports = CostSweep.Run(configs, parse.FramesOrDefault(frames, defaultFrames), parse.GetValue(text));
            var counting = parse.GetValue(convention) ?? CostConvention.Exact;
            switch (parse.GetValue(format) ?? OutputFormat.Table)
            {
                case OutputFormat.Json:
                    console.Out.Write(CostOutputs.ToJson(reports, counting));
                    break;
                case OutputFormat.Csv:
                    console.Out.Write(CostOutputs.ToCsv(reports, counting));
                    break;
                case OutputFormat.Markdown:
                    console.Out.Write(TableWriters.Markdown(CostOutputs.Table(reports, counting)));
                    break;
                default:
                    Render.Table(console.Ui, CostOutputs.Table(reports, counting));
                    break;
            }

            if (parse.GetValue(svg) is { } path)
            {
                WriteFile(path, CostOutputs.Chart(reports, parse.GetValue(chart) ?? CostMetric.Flops, parse.GetValue(scale) ?? ScaleKind.Log, counting).ToSvg());
                console.Error.WriteLine($"wrote {path}");
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Writes a file, creating its folder; failures are user errors.</summary>
    /// <param name="path">The file.</param>
    /// <param name="content">Its text.</param>
    internal static void WriteFile(string path, string content)
    {
        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(path, content, new System.Text.UTF8Encoding(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Tools.ZooUserException($"cannot write '{path}': {e.Message}", e);
        }
    }
}
