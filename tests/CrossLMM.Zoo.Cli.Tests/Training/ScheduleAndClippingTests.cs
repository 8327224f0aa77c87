using System;
using System.Linq;
using CrossLMM.Zoo.Tools.Training.Experiments;
using CrossLMM.Zoo.Tools.Training.Optimization;
using CrossLMM.Zoo.Tools.Training.Recipes;
using TorchSharp.Modules;

namespace CrossLMM.Zoo.Cli.Tests.Training;

public sealed class ScheduleAndClippingTests
{
    [Fact]
    public void CosineSchedule_WarmsUpLinearlyThenDecaysToTheFloor()
    {
        var s = new CosineSchedule(0.01, new ScheduleRecipe(WarmupSteps: 4, MinLrRatio: 0.1), totalSteps: 14);
        Assert.Equal(new[] { 0.0025, 0.005, 0.0075, 0.01 }, Enumerable.Range(1, 4).Select(s.At).ToArray());
        Assert.Equal(0.01 * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.5))), s.At(9), 12);   // halfway through the decay
        Assert.Equal(0.001, s.At(14), 12);
        var decay = Enumerable.Range(4, 11).Select(s.At).ToArray();
        Assert.True(decay.Zip(decay.Skip(1)).All(p => p.Second < p.First));
    }

    [Fact]
    public void ClipByGlobalNorm_ScalesAllGradientsTogether()
    {
        using var a = new Parameter(torch.zeros(2));
        using var b = new Parameter(torch.zeros(1));
        a.grad = torch.tensor(new float[] { 3, 0 });
        b.grad = torch.tensor(new float[] { 4 });
        double norm = GradientClipping.ClipByGlobalNorm(new[] { a, b }, maxNorm: 1.0);
        Assert.Equal(5.0, norm, 5);
        Assert.Equal(0.6, a.grad!.data<float>()[0], 4);
        Assert.Equal(0.8, b.grad!.data<float>()[0], 4);
        Assert.Equal(1.0, GradientClipping.ClipByGlobalNorm(new[] { a, b }, maxNorm: null), 4);   // measured only
    }

    [Theory]
    [InlineData("vision_tower.*", "vision_tower.embeddings.patch_embedding.weight", true)]
    [InlineData("*.q_proj", "language_model.model.layers.0.self_attn.q_proj", true)]
    [InlineData("*.q_proj", "language_model.model.layers.0.self_attn.q_proj.weight", false)]
    [InlineData("layers.?.mlp*", "layers.3.mlp.up_proj.weight", true)]
    [InlineData("layers.?.mlp*", "layers.13.mlp.up_proj.weight", false)]
    public void ToRegex_GlobMatchesWholeNames(string glob, string name, bool matches) =>
        Assert.Equal(matches, ParameterSelection.ToRegex(glob).IsMatch(name));

    [Fact]
    public void MeanInterval_UsesStudentT()
    {
        var m = MeanInterval.Of(new[] { 1.0, 2.0, 3.0 });
        Assert.Equal(2.0, m.Mean, 12);
        Assert.Equal(4.303 * 1.0 / Math.Sqrt(3), m.HalfWidth, 9);   // s = 1, t(0.975, 2) = 4.303
        Assert.True(double.IsNaN(MeanInterval.Of(new[] { 0.5 }).HalfWidth));
        Assert.Equal(1.960, MeanInterval.TQuantile(100));
    }
}
