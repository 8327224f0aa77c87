using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools.Comparison;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Measurement;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

/// <summary>
/// <c>--threads N</c> on the commands that run models (bench, run, compare): applied before any work, stated in
/// what they print, every core by default (as PyTorch), and a count outside [1, 4 × cores] is a bad argument.
/// </summary>
public class ThreadsOptionTests
{
    private static readonly string Default = Environment.ProcessorCount == 1 ? "1 thread" : $"{Environment.ProcessorCount} threads";

    [Fact]
    public void Bench_Threads_TheMachineLineAndTheNotesNameTheCountUsed()
    {
        var r = ZooCommand.Run("bench", "pool-only", "--preset", "tiny", "--frames", "2", "--runs", "1", "--warmup", "0", "--threads", "1");
        Assert.Equal(0, r.Code);
        var machine = Assert.Single(r.Lines, l => l.StartsWith("machine: ", StringComparison.Ordinal));
        Assert.Contains(", 1 thread, ", machine, StringComparison.Ordinal);
        Assert.Contains($"Threads: 1 thread (libtorch intra-op, which MKL's GEMMs share) of {Environment.ProcessorCount} cores.", r.Out, StringComparison.Ordinal);

        var json = ZooCommand.Run("bench", "pool-only", "--preset", "tiny", "--frames", "2", "--runs", "1", "--warmup", "0", "--threads", "1", "--format", "json");
        var document = JsonSerializer.Deserialize<BenchDocument>(json.Out, CostOutputs.Json)!;
        Assert.Equal(1, document.Machine.Threads);
        Assert.Equal(1, Assert.Single(document.Measurements).Threads);
    }

    [Fact]
    public void Run_Threads_TheTimeLineNamesTheCount_AndTheDefaultIsEveryCore()
    {
        var one = ZooCommand.Run("run", "pool-only", "--frames", "2", "--threads", "1");
        Assert.Equal(0, one.Code);
        Assert.Contains(one.Lines, l => l.StartsWith("time: ", StringComparison.Ordinal) && l.EndsWith("(no_grad, batch 1, cpu, 1 thread)", StringComparison.Ordinal));

        var all = ZooCommand.Run("run", "pool-only", "--frames", "2");
        Assert.Equal(0, all.Code);
        Assert.Contains(all.Lines, l => l.StartsWith("time: ", StringComparison.Ordinal) && l.EndsWith($"(no_grad, batch 1, cpu, {Default})", StringComparison.Ordinal));
    }

    [Fact]
    public void Compare_Threads_TheLatencyNoteAndTheReportNameTheCount()
    {
        using var dir = new TempDir();
        var r = ZooCommand.Run("compare", "pool-only", "llava-ov", "--bench-preset", "tiny", "--bench-frames", "2", "--runs", "1", "--warmup", "0",
            "--baseline", "llava-ov", "--threads", "1", "--out", dir.Path);
        Assert.Equal(0, r.Code);
        Assert.Contains(", 1 thread, ", r.Out, StringComparison.Ordinal);
        var document = JsonSerializer.Deserialize<ComparisonDocument>(File.ReadAllText(Path.Combine(dir.Path, "compare.json")), CostOutputs.Json)!;
        Assert.Equal(1, document.Machine.Threads);
        Assert.All(document.Bench!.Measurements, m => Assert.Equal(1, m.Threads));
        Assert.Contains(", 1 thread, ", File.ReadAllText(Path.Combine(dir.Path, "compare.md")), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadCounts()
    {
        string absurd = (4 * Environment.ProcessorCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "bench", "run", "compare" })
        {
            foreach (var count in new[] { "0", "-2", absurd, "two" })
            {
                data.Add(command, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadCounts))]
    public void Threads_OutsideOneToFourTimesTheCores_IsABadArgument(string command, string count)
    {
        string[] args = command == "compare"
            ? new[] { "compare", "--no-bench", "--threads", count }
            : new[] { command, "pool-only", "--preset", "tiny", "--frames", "2", "--threads", count };
        var r = ZooCommand.Run(args);
        string line = r.AssertOneLineError(2, $"--threads '{count}' is not a thread count in [1, {4 * Environment.ProcessorCount}]");
        Assert.StartsWith($"zoo {command}: error: ", line, StringComparison.Ordinal);
        Assert.Empty(r.Out);
    }

    [Fact]
    public void MachineInfo_NamesTheThreadsInTheLine()
    {
        var machine = new MachineInfo("CPU", 8, "Linux", ".NET 10", "TorchSharp", "MKL", 3);
        Assert.Equal("CPU (8 cores), TorchSharp, MKL, 3 threads, .NET 10", machine.ToString());
        Assert.Equal("CPU (8 cores), TorchSharp, MKL, 1 thread, .NET 10", (machine with { Threads = 1 }).ToString());
    }
}
