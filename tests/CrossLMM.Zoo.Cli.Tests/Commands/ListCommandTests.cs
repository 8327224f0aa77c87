using System.Linq;
using System.Text.Json;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Tools.Cost;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class ListCommandTests
{
    [Fact]
    public void List_Table_HasARowForEveryArchitectureWithItsTokensPerFrame()
    {
        var r = ZooCommand.Run("list", "--preset", "7b");
        Assert.Equal(0, r.Code);
        foreach (var info in Zoo.Architectures)
        {
            var config = info.Config("7b");
            var row = r.Lines.Single(l => l.StartsWith("│ " + info.Stem + " ", System.StringComparison.Ordinal));
            Assert.Contains(info.Name, row);
            Assert.Contains(config.TokensFormulaAtPreset, row);
            Assert.Contains(config.StreamTokensPerFrame?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", row);
        }
    }

    [Fact]
    public void List_Json_EqualsTheGeneratedConfigs()
    {
        var r = ZooCommand.Run("list", "--preset", "small", "--format", "json");
        Assert.Equal(0, r.Code);
        var entries = JsonSerializer.Deserialize<CrossLMM.Zoo.Cli.Commands.ListCommand.Entry[]>(r.Out, CostOutputs.Json)!;
        Assert.Equal(Zoo.Architectures.Select(a => a.Stem), entries.Select(e => e.Stem));   // catalogue order
        foreach (var e in entries)
        {
            var config = Zoo.Config(e.Stem, "small");
            Assert.Equal(config.Name, e.Name);
            Assert.Equal(config.Paper, e.Paper);
            Assert.Equal(config.StreamTokensPerFrame, e.TokensPerFrame);
            Assert.Equal(config.TokensFormulaAtPreset, e.TokensAtPreset);
            Assert.Equal("small", e.Preset);
        }

        // The numbers the README quotes: 9 pooled tokens per frame for CrossLMM, 196 for LLaVA-OV at paper scale.
        var paper = JsonSerializer.Deserialize<CrossLMM.Zoo.Cli.Commands.ListCommand.Entry[]>(ZooCommand.Run("list", "--format", "json").Out, CostOutputs.Json)!;
        Assert.Equal(9, paper.Single(e => e.Stem == "crosslmm").TokensPerFrame);
        Assert.Equal(196, paper.Single(e => e.Stem == "llava-ov").TokensPerFrame);
        Assert.Equal(729, paper.Single(e => e.Stem == "full-tokens").TokensPerFrame);
    }

    [Fact]
    public void List_Csv_HasAHeaderAndOneLinePerArchitecture()
    {
        var r = ZooCommand.Run("list", "--format", "csv");
        Assert.Equal(0, r.Code);
        var lines = r.Out.TrimEnd('\n').Split('\n');
        Assert.StartsWith("stem,name,paper,", lines[0]);
        Assert.Equal(Zoo.Architectures.Count + 1, lines.Length);
    }
}
