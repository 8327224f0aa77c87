using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

public class ModuleSmokeTests
{
    private sealed class TwoLayer : nn.Module<Tensor, Tensor>
    {
        private readonly Linear fc1;
        private readonly Linear fc2;

        public TwoLayer() : base(nameof(TwoLayer))
        {
            fc1 = nn.Linear(4, 8);
            fc2 = nn.Linear(8, 2, hasBias: false);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return fc2.call(fc1.call(x).relu()).MoveToOuterDisposeScope();
        }
    }

    [Fact]
    public void NamedParameters_FollowFieldOrderAndDottedNames()
    {
        using var m = new TwoLayer();
        Assert.Equal(new[] { "fc1.weight", "fc1.bias", "fc2.weight" }, m.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(new long[] { 8, 4 }, m.state_dict()["fc1.weight"].shape);
    }

    [Fact]
    public void Backward_ThroughModule_PopulatesEveryParameterGrad()
    {
        using var m = new TwoLayer();
        using var x = randn(3, 4);
        using var loss = m.call(x).sum();
        loss.backward();
        foreach (var (name, p) in m.named_parameters()) {
            using var g = p.grad;
            Assert.NotNull(g);
            Assert.Equal(p.shape, g!.shape);
        }
    }

    [Fact]
    public void LoadStateDict_ShapeMismatch_NamesKeyAndShapes()
    {
        using var m = new TwoLayer();
        var sd = m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        sd["fc2.weight"] = zeros(3, 8);
        var ex = Assert.Throws<System.ArgumentException>(() => m.load_state_dict(sd));
        Assert.Contains("'fc2.weight' has shape [3, 8] in the source but [2, 8]", ex.Message);
    }
}
