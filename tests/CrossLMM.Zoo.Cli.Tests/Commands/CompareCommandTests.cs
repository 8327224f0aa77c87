using System.IO;
using System.Linq;
using System.Text.Json;
using System.Xml.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Comparison;
using CrossLMM.Zoo.Tools.Cost;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class CompareCommandTests
{
    [Fact]
    public void Compare_NoBench_WritesTheReportForEveryArchitectureInCatalogueOrder()
    {
        using var dir = new TempDir();
        var r = ZooCommand.Run("compare", "--no-bench", "--out", dir.Path);
        Assert.Equal(0, r.Code);
        foreach (var file in new[] { "compare.md", "compare.json", "compare-flops.svg", "compare-kv.svg", "compare-tokens.svg" })
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, file)), file);
            Assert.Contains(Path.Combine(dir.Path, file), r.Out);
        }

        Assert.False(File.Exists(Path.Combine(dir.Path, "compare-latency.svg")));
        var document = JsonSerializer.Deserialize<ComparisonDocument>(File.ReadAllText(Path.Combine(dir.Path, "compare.json")), CostOutputs.Json)!;
        var stems = Zoo.Architectures.Select(a => a.Stem).ToArray();
        Assert.Equal(stems, document.Summary.Select(s => s.Stem));
        Assert.Null(document.Bench);
        foreach (var row in document.Summary)
        {
            var report = CostModel.Estimate(Zoo.Config(row.Stem, "7b"), 256, 64);
            Assert.Equal(report.Prefill.Total, row.PrefillFlops["256"]);
            Assert.Equal(report.Memory.KvCacheBytes, row.KvCacheBytes["256"]);
            Assert.Equal(report.Tokens.StreamTokens, row.StreamTokens["256"]);
        }

        var baseline = CostModel.Estimate(Zoo.Config("llava-ov", "7b"), 256, 64).Prefill.Total;
        Assert.Equal((double)document.Summary.Single(s => s.Stem == "crosslmm").PrefillFlops["256"] / baseline, document.Summary.Single(s => s.Stem == "crosslmm").FlopsVsBaseline!.Value, 12);

        string markdown = File.ReadAllText(Path.Combine(dir.Path, "compare.md"));
        var tableRows = markdown.Split('\n').Where(l => l.StartsWith("| ", System.StringComparison.Ordinal) && stems.Any(s => l.StartsWith($"| {s} |", System.StringComparison.Ordinal))).Take(stems.Length);
        Assert.Equal(stems, tableRows.Select(l => l.Split('|')[1].Trim()));
        XNamespace ns = "http://www.w3.org/2000/svg";
        foreach (var chart in new[] { "compare-flops.svg", "compare-kv.svg", "compare-tokens.svg" })
        {
            var series = XDocument.Load(Path.Combine(dir.Path, chart)).Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "series");
            Assert.Equal(stems, series.Select(g => (string?)g.Attribute("data-series")));
        }
    }

    [Fact]
    public void Baseline_ByNameOrAnyCase_IsTheStemTheRatiosUse_AndAnUnknownOneFailsBeforeRunning()
    {
        var options = new ComparisonOptions { Architectures = new[] { "crosslmm", "llava-ov" }, CostFrames = new[] { 32 }, Measure = false };
        var byStem = ComparisonReport.Summary(ComparisonRunner.Run(options));
        foreach (string baseline in new[] { "LlavaOneVision", "LLAVA-OV" })
        {
            var result = ComparisonRunner.Run(options with { Baseline = baseline });
            Assert.Equal("llava-ov", result.Options.Baseline);
            var summary = ComparisonReport.Summary(result);
            Assert.Equal(1.0, summary.Single(s => s.Stem == "llava-ov").FlopsVsBaseline);
            Assert.Equal(byStem.Select(s => (s.FlopsVsBaseline, s.KvVsBaseline)), summary.Select(s => (s.FlopsVsBaseline, s.KvVsBaseline)));
        }

        Assert.NotNull(byStem.Single(s => s.Stem == "crosslmm").FlopsVsBaseline);
        var e = Assert.Throws<CrossLMM.Zoo.Tools.ZooUserException>(() => ComparisonRunner.Run(options with { Baseline = "llava-vo" }));
        Assert.StartsWith("unknown architecture 'llava-vo'; did you mean 'llava-ov'?", e.Message);

        using var dir = new TempDir();
        ZooCommand.Run("compare", "--no-bench", "--baseline", "llava-vo", "--out", dir.Path).AssertOneLineError(1, "zoo compare: error: unknown architecture 'llava-vo'");
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Compare_WithMeasurement_AddsLatencyColumnsAndChart()
    {
        using var dir = new TempDir();
        var r = ZooCommand.Run("compare", "crosslmm", "llava-ov", "--bench-preset", "tiny", "--bench-frames", "2,3", "--runs", "1", "--warmup", "0", "--frames", "32,256", "--out", dir.Path);
        Assert.Equal(0, r.Code);
        Assert.Contains("ms @2 (tiny)", r.Out);
        Assert.Contains("ms @3 (tiny)", r.Out);
        var document = JsonSerializer.Deserialize<ComparisonDocument>(File.ReadAllText(Path.Combine(dir.Path, "compare.json")), CostOutputs.Json)!;
        Assert.Equal(4, document.Bench!.Measurements.Count);
        Assert.Equal(new[] { "crosslmm", "llava-ov" }, document.Summary.Select(s => s.Stem));
        Assert.All(document.Summary, s => Assert.Equal(new[] { "2", "3" }, s.MedianMs.Keys));
        Assert.True(File.Exists(Path.Combine(dir.Path, "compare-latency.svg")));
        Assert.Contains("[4/4] llava-ov @ 3 frames", r.Err);
    }
}
