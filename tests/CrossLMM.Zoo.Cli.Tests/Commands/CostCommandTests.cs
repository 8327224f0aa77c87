using System.Globalization;
using System.Linq;
using System.Xml.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Cost;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class CostCommandTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Cost_Json_RoundTripsAndEqualsTheCostModel()
    {
        var r = ZooCommand.Run("cost", "crosslmm", "llava-ov", "flamingo", "--preset", "7b", "--frames", "32,256", "--text", "48", "--format", "json");
        Assert.Equal(0, r.Code);
        var document = CostOutputs.FromJson(r.Out);
        Assert.Equal("7b", document.Preset);
        Assert.Equal(new[] { 32, 256 }, document.Frames);
        Assert.Equal(6, document.Reports.Count);
        Assert.Equal(new[] { "crosslmm", "crosslmm", "llava-ov", "llava-ov", "flamingo", "flamingo" }, document.Reports.Select(x => x.Stem));
        foreach (var record in document.Reports)
        {
            var expected = CostModel.Estimate(Zoo.Config(record.Stem, "7b"), record.Frames, 48);
            Assert.Equal(CostRecord.From(expected) with { }, record with { }, new CostRecordComparer());
            Assert.Equal(expected.Prefill.Total, record.PrefillFlops.Total);
            Assert.Equal(expected.Memory.KvCacheBytes, record.Memory.KvCacheBytes);
            Assert.Equal(expected.Parameters.Total, record.Parameters.Total);
            Assert.Equal(expected.Tokens.StreamTokens, record.Tokens.Stream);
            foreach (var component in CostComponents.All)
            {
                Assert.Equal(expected.Prefill[component], record.PrefillFlops.ByComponent[CostRecord.Key(component)]);
            }
        }

        // Serialising the parsed document again gives the same text.
        Assert.Equal(r.Out, System.Text.Json.JsonSerializer.Serialize(document, CostOutputs.Json) + "\n");
    }

    [Fact]
    public void Cost_Defaults_AreThePaperSettings()
    {
        var document = CostOutputs.FromJson(ZooCommand.Run("cost", "crosslmm", "--format", "json").Out);
        Assert.Equal("7b", document.Preset);
        Assert.Equal(64, document.TextTokens);
        Assert.Equal(new[] { 32, 64, 128, 256 }, document.Frames);
        Assert.Equal(Zoo.Architectures.Count * 4, CostOutputs.FromJson(ZooCommand.Run("cost", "--format", "json").Out).Reports.Count);   // no names = all
    }

    [Fact]
    public void Cost_Csv_HasExactIntegers()
    {
        var r = ZooCommand.Run("cost", "crosslmm,pool-only", "--frames", "64", "--format", "csv");
        Assert.Equal(0, r.Code);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        var header = lines[0].Split(',');
        int flops = System.Array.IndexOf(header, "prefill_flops"), kv = System.Array.IndexOf(header, "kv_cache_bytes");
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            var expected = CostModel.Estimate(Zoo.Config(cells[1], "7b"), 64, 64);
            Assert.Equal(expected.Prefill.Total, long.Parse(cells[flops], CultureInfo.InvariantCulture));
            Assert.Equal(expected.Memory.KvCacheBytes, long.Parse(cells[kv], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Cost_Table_ShowsTotalsPerArchitectureAndFrames()
    {
        var r = ZooCommand.Run("cost", "crosslmm", "full-tokens", "--frames", "256");
        Assert.Equal(0, r.Code);
        foreach (var stem in new[] { "crosslmm", "full-tokens" })
        {
            var report = CostModel.Estimate(Zoo.Config(stem, "7b"), 256, 64);
            var row = r.Lines.Single(l => l.StartsWith("│ " + stem + " ", System.StringComparison.Ordinal));
            Assert.Contains((report.Prefill.Total / 1e12).ToString("F2", CultureInfo.InvariantCulture), row);
            Assert.Contains(report.Tokens.StreamTokens.ToString("N0", CultureInfo.InvariantCulture), row);
        }

        Assert.Contains("FLOPs = 2 × multiply-adds", r.Out);
    }

    [Fact]
    public void Cost_Svg_IsWellFormedWithOneSeriesPerArchitectureAndAxisLabels()
    {
        using var dir = new TempDir();
        string path = dir.File("flops.svg");
        var stems = new[] { "crosslmm", "llava-ov", "full-tokens", "qformer" };
        var r = ZooCommand.Run(new[] { "cost" }.Concat(stems).Concat(new[] { "--frames", "32,64,128,256", "--svg", path }).ToArray());
        Assert.Equal(0, r.Code);
        Assert.Contains($"wrote {path}", r.Err);
        var svg = XDocument.Load(path);   // throws on malformed XML
        var series = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToArray();
        Assert.Equal(stems, series.Select(g => (string?)g.Attribute("data-series")));
        Assert.All(series, g => Assert.Equal(4, g.Elements(Svg + "circle").Count()));
        Assert.Equal(stems.Length, series.Select(g => (string?)g.Element(Svg + "polyline")!.Attribute("stroke")).Distinct().Count());   // one colour each
        var labels = svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "axis-label").Select(t => t.Value).ToArray();
        Assert.Equal(new[] { "prefill TFLOPs", "frames" }, labels);
        var xTicks = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "x-axis").Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick").Select(t => t.Value);
        Assert.Equal(new[] { "32", "64", "128", "256" }, xTicks);
        var legend = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "legend").Elements(Svg + "text").Select(t => t.Value);
        Assert.Equal(stems, legend);
    }

    [Theory]
    [InlineData("kv", "KV cache after prefill, GiB (bf16)")]
    [InlineData("tokens", "LLM stream tokens (visual + text)")]
    public void Cost_SvgMetric_ChangesTheYAxis(string metric, string label)
    {
        using var dir = new TempDir();
        string path = dir.File("chart.svg");
        Assert.Equal(0, ZooCommand.Run("cost", "crosslmm", "pool-only", "--chart", metric, "--scale", "linear", "--svg", path).Code);
        Assert.Contains(XDocument.Load(path).Descendants(Svg + "text"), t => t.Value == label);
    }

    [Fact]
    public void Cost_UserSpecFile_IsCostedLikeACatalogueArchitecture()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("cost", path, "--frames", "256", "--format", "json");
        Assert.Equal(0, r.Code);
        var record = CostOutputs.FromJson(r.Out).Reports.Single();
        Assert.Equal("Pool4V2V", record.Architecture);
        Assert.Equal(4 * 256 + 64, record.Tokens.Stream);
    }

    [Fact]
    public void Cost_ConventionPaper_Json_CarriesThePapersMacs_NextToTheExactFlops()
    {
        var r = ZooCommand.Run("cost", "crosslmm", "llava-ov", "--frames", "32,128", "--convention", "paper", "--format", "json");
        Assert.Equal(0, r.Code);
        var document = CostOutputs.FromJson(r.Out);
        Assert.Equal("paper", document.Convention);
        Assert.StartsWith("Paper convention (CrossLMM, arXiv 2505.17020)", document.Conventions);
        Assert.Equal(4, document.Reports.Count);
        foreach (var record in document.Reports)
        {
            var report = CostModel.Estimate(Zoo.Config(record.Stem, "7b"), record.Frames, 64);
            var paper = PaperConvention.Of(report);
            Assert.NotNull(record.Paper);
            Assert.Equal(paper.Macs, record.Paper!.Macs);
            Assert.Equal(paper.VisionMacs, record.Paper.VisionMacs);
            Assert.Equal(paper.LanguageLinearMacs, record.Paper.LanguageLinearMacs);
            Assert.Equal(report.Prefill.Total, record.PrefillFlops.Total);                       // the exact count stays
            Assert.Equal(record.PrefillFlops.Total, 2 * record.Paper.Macs + record.Paper.LeftOutFlops);
            Assert.Equal(record.PrefillFlops.ByComponent["attentionScores"], record.Paper.LeftOutByComponent["attentionScores"]);
        }

        Assert.Equal(r.Out, System.Text.Json.JsonSerializer.Serialize(document, CostOutputs.Json) + "\n");
    }

    [Fact]
    public void Cost_DefaultConvention_IsExact_AndSaysSo()
    {
        var r = ZooCommand.Run("cost", "crosslmm", "--frames", "64", "--format", "json");
        var document = CostOutputs.FromJson(r.Out);
        Assert.Equal("exact", document.Convention);
        Assert.Null(document.Reports.Single().Paper);
        Assert.DoesNotContain("\"paper\"", r.Out);
        Assert.Equal(r.Out, ZooCommand.Run("cost", "crosslmm", "--frames", "64", "--format", "json", "--convention", "exact").Out);
        var markdown = ZooCommand.Run("cost", "crosslmm", "--frames", "64", "--format", "markdown").Out;
        Assert.Contains("exact convention", markdown);
        Assert.Contains("FLOPs = 2 × multiply-adds", markdown);
    }

    [Fact]
    public void Cost_ConventionPaper_MarkdownAndTable_ShowThePapersCount()
    {
        var markdown = ZooCommand.Run("cost", "crosslmm", "--frames", "256", "--convention", "paper", "--format", "markdown");
        Assert.Equal(0, markdown.Code);
        var paper = PaperConvention.Of(CostModel.Estimate(Zoo.Config("crosslmm", "7b"), 256, 64));
        Assert.Contains("counted as the CrossLMM paper does", markdown.Out);
        Assert.Contains("Paper convention (CrossLMM, arXiv 2505.17020)", markdown.Out);
        var row = markdown.Lines.Single(l => l.StartsWith("| crosslmm |", System.StringComparison.Ordinal));
        Assert.Contains((paper.Macs / 1e12).ToString("F2", CultureInfo.InvariantCulture), row);
        Assert.Contains((paper.LeftOutTotal / 1e12).ToString("F2", CultureInfo.InvariantCulture), row);

        var table = ZooCommand.Run("cost", "crosslmm", "--frames", "256", "--convention", "paper");
        Assert.Equal(0, table.Code);
        Assert.Contains(table.Lines, l => l.StartsWith("│ crosslmm ", System.StringComparison.Ordinal) && l.Contains((paper.VisionMacs / 1e12).ToString("F2", CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("exact")]
    [InlineData("paper")]
    public void Cost_Csv_NamesTheConvention_InItsLastColumn(string convention)
    {
        var r = ZooCommand.Run("cost", "llava-ov", "--frames", "32", "--format", "csv", "--convention", convention);
        Assert.Equal(0, r.Code);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        var header = lines[0].Split(',');
        var cells = lines[1].Split(',');
        Assert.Equal("convention", header[^1]);
        Assert.Equal(convention, cells[^1]);
        int macs = System.Array.IndexOf(header, "paper_macs");
        if (convention == "exact")
        {
            Assert.Equal(-1, macs);
            return;
        }

        var paper = PaperConvention.Of(CostModel.Estimate(Zoo.Config("llava-ov", "7b"), 32, 64));
        Assert.Equal(paper.Macs, long.Parse(cells[macs], CultureInfo.InvariantCulture));
        Assert.Equal(paper.LeftOutTotal, long.Parse(cells[System.Array.IndexOf(header, "paper_left_out_flops")], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Cost_ConventionPaper_Svg_PlotsThePapersMacs()
    {
        using var dir = new TempDir();
        string path = dir.File("paper.svg");
        Assert.Equal(0, ZooCommand.Run("cost", "crosslmm", "llava-ov", "--convention", "paper", "--svg", path).Code);
        var labels = XDocument.Load(path).Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "axis-label").Select(t => t.Value).ToArray();
        Assert.Equal(new[] { "prefill TMACs (paper convention)", "frames" }, labels);
    }

    [Fact]
    public void Cost_UnknownConvention_OneLineError() =>
        ZooCommand.Run("cost", "crosslmm", "--convention", "fvcore").AssertOneLineError(2, "--convention 'fvcore' is not one of exact, paper");

    [Fact]
    public void Cost_UnknownArchitecture_SuggestsTheClosest() =>
        ZooCommand.Run("cost", "crossllm").AssertOneLineError(1, "unknown architecture 'crossllm'; did you mean 'crosslmm'?");

    [Fact]
    public void Cost_FramesPastThePerceiversMaximum_OneLineError() =>
        ZooCommand.Run("cost", "flamingo", "--frames", "5000").AssertOneLineError(1, "flamingo at 5000 frames: frames (5000) must be ≤ compressor.max_frames (1024)");

    private sealed class CostRecordComparer : System.Collections.Generic.IEqualityComparer<CostRecord>
    {
        public bool Equals(CostRecord? x, CostRecord? y) =>
            x is not null && y is not null &&
            System.Text.Json.JsonSerializer.Serialize(x, CostOutputs.Json) == System.Text.Json.JsonSerializer.Serialize(y, CostOutputs.Json);

        public int GetHashCode(CostRecord obj) => 0;
    }
}
