using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Tables;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

public class TableAndNameTests
{
    private static ReportTable Sample()
    {
        var table = new ReportTable("Title", new[] { new ReportColumn("name", ColumnAlignment.Left), new ReportColumn("value") });
        table.Add("a|b", "1,5").Add("quote\"d", "22");
        table.Notes.Add("a note");
        return table;
    }

    [Fact]
    public void Markdown_EscapesPipesAndAlignsNumbersRight() =>
        Assert.Equal("**Title**\n\n| name | value |\n|:---|---:|\n| a\\|b | 1,5 |\n| quote\"d | 22 |\n\na note\n\n", TableWriters.Markdown(Sample()));

    [Fact]
    public void Csv_QuotesCommasAndQuotes() =>
        Assert.Equal("name,value\na|b,\"1,5\"\n\"quote\"\"d\",22\n", TableWriters.Csv(Sample()));

    [Fact]
    public void PlainText_PadsColumns() =>
        Assert.Equal("Title\nname     value\n-------  -----\na|b        1,5\nquote\"d     22\na note\n", TableWriters.PlainText(Sample()));

    [Fact]
    public void WrongCellCount_Throws() =>
        Assert.Throws<System.ArgumentException>(() => Sample().Add("only one"));

    [Theory]
    [InlineData("crossllm", "crosslmm")]
    [InlineData("llava", "llava-ov")]
    [InlineData("QFormer", "qformer")]
    [InlineData("zzzzzzzz", null)]
    public void Suggestions_FindCloseNames(string typed, string? expected) =>
        Assert.Equal(expected, CrossLMM.Zoo.Spec.Suggest.Closest(typed, new[] { "crosslmm", "llava-ov", "qformer", "flamingo" }));

    [Fact]
    public void Resolve_AllAndCommaLists()
    {
        Assert.Equal(Zoo.Architectures.Count, ZooCatalog.Resolve(new[] { "all" }).Count);
        Assert.Equal(new[] { "crosslmm", "pool-only" }, System.Linq.Enumerable.Select(ZooCatalog.Resolve(new[] { "CrossLmm,pool-only", "crosslmm" }), a => a.Stem));
    }

    [Fact]
    public void Configs_AllCommaListsAndThePresetCheckedFirst()
    {
        var all = ZooCatalog.Configs(null, "Tiny");
        Assert.Equal(System.Linq.Enumerable.Select(Zoo.Architectures, a => a.Config("tiny")), all);
        Assert.Equal(all, ZooCatalog.Configs(new[] { "crosslmm", "ALL" }, "tiny"));
        var some = ZooCatalog.Configs(new[] { "CrossLmm,pool-only", "crosslmm" }, "small");
        Assert.Equal(new[] { ("crosslmm", "small"), ("pool-only", "small") }, System.Linq.Enumerable.Select(some, c => (c.Stem, c.Preset)));
        var e = Assert.Throws<CrossLMM.Zoo.Tools.ZooUserException>(() => ZooCatalog.Configs(new[] { "nope" }, "tinny"));
        Assert.StartsWith("unknown preset 'tinny'; did you mean 'tiny'?", e.Message);
    }

    [Theory]
    [InlineData(1234567L, "1.23M")]
    [InlineData(10_190_000_000L, "10.19B")]
    [InlineData(94_403L, "94.4k")]
    [InlineData(512L, "512")]
    public void Units_Parameters(long count, string text) => Assert.Equal(text, Units.Parameters(count));
}
