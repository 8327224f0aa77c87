using System.Linq;
using CrossLMM.Zoo.Modules.Cost;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Inspection;

namespace CrossLMM.Zoo.Cli.Tests.Tools;

public class ModuleTreeTests
{
    [Fact]
    public void Tree_ChildrenSumToTheRootAndEqualTheCostModel()
    {
        var config = Zoo.Config("slowfast", "tiny");
        using var model = ZooCatalog.Build(config, seed: 1);
        var tree = ModuleTree.Of(model, maxDepth: 6);
        Assert.Equal(CostModel.Parameters(config).Total, tree.Parameters);
        Assert.Equal(tree.Parameters, tree.Children.Sum(c => c.TotalParameters));
        var layers = tree.Children.Single(c => c.Name == "language_model").Children.Single().Children.Single(c => c.Name == "layers");
        Assert.Equal(config.Llm.Layers, layers.Children.Sum(c => c.Repeat));
        Assert.Equal(layers.Parameters, layers.Children.Sum(c => c.TotalParameters));
    }

    [Fact]
    public void LayerPlan_MergesEqualNeighbours()
    {
        var plan = LayerPlanView.Of(Zoo.Config("crosslmm", "7b"));
        Assert.Equal(14, plan.Count);   // 7 runs of 3 plain layers, each followed by a DCAL layer
        Assert.Equal(28, plan.Sum(p => p.Count));
        Assert.Equal("0-2", plan[0].Layers);
        Assert.Equal("3", plan[1].Layers);
        Assert.StartsWith("dual_cross_attention", plan[1].Fusion);
    }

    [Fact]
    public void StageShapes_TraceEqualsTheDerivedShapes()
    {
        foreach (var info in Zoo.Architectures)
        {
            var config = info.Config("tiny");
            using var model = ZooCatalog.Build(config, seed: 2);
            var shapes = StageShapes.Trace(model, config, frames: 4, textTokens: 5);
            Assert.All(shapes, s => Assert.NotEqual(false, s.Matches));
            Assert.Contains(shapes, s => s.Stage == "logits" && s.Matches == true);
            Assert.Contains(shapes, s => s.Stage == "vision_tower" && s.Matches == true);
        }
    }
}
