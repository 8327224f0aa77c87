using System.Globalization;
using System.Linq;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Modules.Cost;

namespace CrossLMM.Zoo.Cli.Tests.Commands;

public class ShowCommandTests
{
    [Theory]
    [InlineData("crosslmm")]
    [InlineData("slowfast")]
    [InlineData("flamingo")]
    [InlineData("qformer-t2v")]
    public void Show_Tiny_BuildsTheModelWhoseParametersEqualTheCostModel(string stem)
    {
        var config = Zoo.Config(stem, "tiny");
        var r = ZooCommand.Run("show", stem, "--frames", "8");
        Assert.Equal(0, r.Code);
        long expected = CostModel.Parameters(config).Total;
        string count = expected.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"parameters: {count} (cost model: {count})", r.Out);
        Assert.Contains($"model {config.Name}  {count}", r.Out);   // the generated typed module
        Assert.DoesNotContain("MISMATCH", r.Out);
        Assert.Contains("│ logits", r.Out);
        Assert.Contains($"(1, {config.StreamTokens(8) + 16}, {config.Llm.Vocab})", r.Out);
    }

    [Fact]
    public void Show_CrossLmm_ListsTheLayerPlanAndShapes()
    {
        var r = ZooCommand.Run("show", "crosslmm", "--preset", "tiny", "--frames", "4", "--text", "10");
        Assert.Equal(0, r.Code);
        Assert.Contains(r.Lines, l => l.StartsWith("│ 0-2 ", System.StringComparison.Ordinal) && l.Contains("Qwen2 decoder layer"));
        Assert.Contains(r.Lines, l => l.StartsWith("│ 3 ", System.StringComparison.Ordinal) && l.Contains("dual_cross_attention [v2v, t2v], scope global, source original"));
        Assert.Contains(r.Lines, l => l.Contains("│ vision_tower ") && l.Contains("(1, 4, 16, 32)") && l.Contains(" ok "));
        Assert.Contains(r.Lines, l => l.Contains("│ compressor (pool2d) ") && l.Contains("(1, 36, 32)") && l.Contains(" ok "));
        Assert.Contains(r.Lines, l => l.Contains("│ fusion source 'original'") && l.Contains("(1, 64, 32)") && l.Contains(" ok "));
        Assert.Contains("0-2 Qwen2DecoderLayer ×3", r.Out);   // identical layers merged
    }

    [Fact]
    public void Show_7b_UsesTheCostModelWithoutAllocating()
    {
        var config = Zoo.Config("crosslmm", "7b");
        var r = ZooCommand.Run("show", "crosslmm", "--preset", "7b", "--frames", "256");
        Assert.Equal(0, r.Code);
        Assert.Contains("Parameters by component (cost model; the 7b model is not allocated)", r.Out);
        Assert.Contains(r.Lines, l => l.StartsWith("│ total ", System.StringComparison.Ordinal) && l.Contains(CostModel.Parameters(config).Total.ToString("N0", CultureInfo.InvariantCulture)));
        Assert.Contains(r.Lines, l => l.StartsWith("│ 3 ", System.StringComparison.Ordinal) && l.Contains("dual_cross_attention"));
        Assert.Contains(r.Lines, l => l.StartsWith("│ 27 ", System.StringComparison.Ordinal) && l.Contains("dual_cross_attention"));
        Assert.Contains("(1, 256, 729, 1152)", r.Out);   // SigLIP so400m tokens of 256 frames
    }

    [Fact]
    public void Show_UserSpecFile_IsBoundAtRunTime()
    {
        using var dir = new TempDir();
        string path = dir.Write("pool4-v2v.yaml", Specs.Valid);
        var r = ZooCommand.Run("show", path);
        Assert.Equal(0, r.Code);
        Assert.Contains("Pool4V2V (pool4-v2v)", r.Out);
        Assert.Contains("model VideoLmm  ", r.Out);   // a spec the build never saw: the runtime builder
        Assert.Contains("dual_cross_attention [v2v], scope global", r.Out);
    }
}
