using System;
using System.CommandLine;
using System.Linq;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Measurement;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary><c>zoo bench</c>: measured prefill latency (median after warm-up) and peak memory on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var architectures = new Argument<string[]>("architectures")
        {
            Description = "Stems or names (zoo list), spec files (.yaml), or 'all' (the default)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var preset = CommonOptions.Preset("small", "to build and run (CPU-sized: tiny or small)");
        int[] defaultFrames = { 8, 16, 32 };
        var frames = CommonOptions.FrameList(defaultFrames, "Frame counts T, comma-separated");
        var text = CommonOptions.Text(64);
        var runs = new Option<int>("--runs") { Description = "Timed runs per case (the median is reported)", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up runs per case", DefaultValueFactory = _ => 1 };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var format = CommonOptions.Format(OutputFormat.Table, OutputFormat.Json, OutputFormat.Csv, OutputFormat.Markdown);
        var svg = CommonOptions.Svg("a bar chart of the median latencies");
        var threads = CommonOptions.Threads();
        var dtype = CommonOptions.Dtype();
        var zoo = CommonOptions.ZooFile();
        var command = new Command("bench", "Measure prefill latency (median of runs after warm-up, Stopwatch around the forward under no_grad) and peak memory (RSS high-water mark)")
        {
            architectures, preset, frames, text, runs, warmup, seed, device, threads, dtype, format, svg, zoo,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            EngineInfo.SetThreads(parse.GetValue(threads));
            var configs = ZooCatalog.Configs(parse.GetValue(architectures), parse.GetValue(preset)!, parse.GetValue(zoo));
            var where = ZooCatalog.Device(parse.GetValue(device)!);
            foreach (var config in configs.Where(_ => where.type == DeviceType.CPU))
            {
                Tools.Inference.ForwardRunner.EnsureFits(config);
            }

            var measurements = ProgressDisplay.Run(console, $"bench {configs[0].Preset}", progress =>
                PrefillBenchmark.Run(configs, parse.FramesOrDefault(frames, defaultFrames).ToArray(), parse.GetValue(text), parse.GetValue(runs), parse.GetValue(warmup), parse.GetValue(seed), progress, where,
                    dtype: parse.GetValue(dtype)));
            var machine = MachineInfo.Current();
            switch (parse.GetValue(format) ?? OutputFormat.Table)
            {
                case OutputFormat.Json:
                    console.Out.Write(BenchOutputs.ToJson(measurements, machine));
                    break;
                case OutputFormat.Csv:
                    console.Out.Write(BenchOutputs.ToCsv(measurements));
                    break;
                case OutputFormat.Markdown:
                    console.Out.Write(TableWriters.Markdown(BenchOutputs.Table(measurements)));
                    break;
                default:
                    Render.Table(console.Ui, BenchOutputs.Table(measurements));
                    Render.Line(console.Ui, $"machine: {machine}");
                    break;
            }

            if (parse.GetValue(svg) is { } path)
            {
                CostCommand.WriteFile(path, BenchOutputs.Chart(measurements, machine).ToSvg());
                console.Error.WriteLine($"wrote {path}");
            }

            return 0;
        }));
        return command;
    }
}
