using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Infrastructure;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Engine.Native;
using CrossLMM.Zoo.Tools.Cost;

namespace CrossLMM.Zoo.Cli.Commands;

/// <summary>
/// <c>zoo env</c>: the engine this process runs on (TorchSharp, libtorch, where the natives were loaded from,
/// whether the Debian 12 libstdc++ fix was needed), threads and memory tuning: what to paste in a bug report,
/// like PyTorch's <c>collect_env</c>. <c>--quiet</c> prints nothing and only checks that the natives load
/// (the set-up runs it).
/// </summary>
internal static class EnvCommand
{
    /// <summary>The facts <c>zoo env --format json</c> prints.</summary>
    internal sealed record Facts(string TorchSharp, string Package, string Libtorch, string? Natives, string? Libstdcxx, bool LibstdcxxFix,
        string? LoadedGlue, string Blas, int Threads, int Cores, long MallocTrimThreshold);

    public static Command Create(CliConsole console)
    {
        var quiet = new Option<bool>("--quiet") { Description = "Print nothing; exit 0 when TorchSharp's natives load, 1 (with the reason) when not" };
        var json = new Option<bool>("--json") { Description = "Print the facts as one JSON object" };
        var command = new Command("env", "Show the tensor engine: TorchSharp and libtorch versions, where the natives come from, the libstdc++ fix, threads")
        {
            quiet, json,
        };
        command.SetAction(ZooCli.Guard(console, command, parse =>
        {
            var report = TorchNativeLoader.EnsureLoaded();
            if (parse.GetValue(quiet))
            {
                return 0;
            }

            var facts = new Facts(EngineInfo.TorchSharpVersion, EngineInfo.TorchSharpPackage, EngineInfo.LibtorchVersion, report.LibtorchDirectory,
                report.Libstdcxx, report.Patched, report.LoadedGlue, EngineInfo.Blas, EngineInfo.IntraOpThreads, Environment.ProcessorCount,
                EngineInfo.MallocTrimThreshold);
            if (parse.GetValue(json))
            {
                console.Out.Write(JsonSerializer.Serialize(facts, CostOutputs.Json) + "\n");
                return 0;
            }

            var lines = new[]
            {
                ("engine", $"TorchSharp {facts.TorchSharp} ({facts.Package}), libtorch {facts.Libtorch}"),
                ("natives", facts.Natives ?? "(platform default)"),
                ("libstdc++", facts.Libstdcxx ?? "-"),
                ("glue", facts.LibstdcxxFix
                    ? $"patched copy {facts.LoadedGlue} (this libstdc++ lacks {TorchNativeLoader.FixableVersion}; see docs/engine.md)"
                    : $"{facts.LoadedGlue} (unchanged)"),
                ("BLAS", facts.Blas),
                ("threads", $"{facts.Threads} intra-op of {facts.Cores} cores (--threads N on bench, run, compare)"),
                ("OpenMP", $"OMP_WAIT_POLICY={OpenMpSettings.WaitPolicy ?? "(libgomp default)"}{(OpenMpSettings.SetByZoo ? " (set by the zoo; set OMP_WAIT_POLICY or GOMP_SPINCOUNT to choose)" : "")}"),
                ("malloc", facts.MallocTrimThreshold < 0 ? "glibc defaults" : $"trim threshold {facts.MallocTrimThreshold / (1 << 20)} MiB, mmap threshold 32 MiB (CROSSLMM_MALLOC=default to opt out)"),
            };
            var width = lines.Max(l => l.Item1.Length);
            foreach (var (key, value) in lines)
            {
                console.Out.Write(string.Create(CultureInfo.InvariantCulture, $"{key.PadRight(width)}  {value}\n"));
            }

            return 0;
        }));
        return command;
    }
}
