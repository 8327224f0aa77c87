using System;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools.Cost;
using CrossLMM.Zoo.Tools.Measurement;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

/// <summary><c>zoo bench --dtype</c>: the weights and the video run in the chosen type, which each measurement records.</summary>
public class DtypeOptionTests
{
    [Fact]
    public void Bench_Bfloat16_RunsAndIsRecorded()
    {
        var json = ZooCommand.Run("bench", "pool-only", "--preset", "tiny", "--frames", "2", "--runs", "1", "--warmup", "0", "--dtype", "bfloat16", "--format", "json");
        Assert.Equal(0, json.Code);
        var document = JsonSerializer.Deserialize<BenchDocument>(json.Out, CostOutputs.Json)!;
        Assert.Equal("bfloat16", Assert.Single(document.Measurements).Dtype);

        var table = ZooCommand.Run("bench", "pool-only", "--preset", "tiny", "--frames", "2", "--runs", "1", "--warmup", "0");
        Assert.Contains("Weights and video: float32.", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Bench_UnknownDtype_IsABadArgument()
    {
        var r = ZooCommand.Run("bench", "pool-only", "--preset", "tiny", "--dtype", "int8");
        Assert.Equal(2, r.Code);
        Assert.Contains("--dtype 'int8' is not one of float32, bfloat16, float16", r.Err, StringComparison.Ordinal);
    }
}
