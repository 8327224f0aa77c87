using System;
using System.Linq;
using CrossLMM.Testing;
using ZooAdamW = CrossLMM.Zoo.Engine.Training.AdamW;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>The zoo's AdamW takes the same steps as TorchSharp's torch.optim.AdamW (and so PyTorch's).</summary>
public class AdamWTests
{
    private static nn.Module<Tensor, Tensor> Net(long seed)
    {
        manual_seed(seed);
        return nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3));
    }

    [Fact]
    public void TenSteps_EqualTorchSharpsAdamW()
    {
        using var scope = NewDisposeScope();
        using var ours = Net(5);
        using var theirs = Net(6);
        // The same start, copied: a seed alone is not enough while other test classes draw from the global generator in parallel.
        theirs.load_state_dict(ours.state_dict());
        var start = ours.parameters().First().detach().clone();
        var x = randn(16, 6);
        var y = randn(16, 3);
        using var zooOptimizer = new ZooAdamW(ours.parameters(), lr: 0.05, weightDecay: 0.1);
        using var reference = torch.optim.AdamW(theirs.parameters(), lr: 0.05, weight_decay: 0.1);
        for (var step = 0; step < 10; step++)
        {
            zooOptimizer.ZeroGrad();
            nn.functional.mse_loss(ours.call(x), y).backward();
            zooOptimizer.Step();
            reference.zero_grad();
            nn.functional.mse_loss(theirs.call(x), y).backward();
            reference.step();
        }

        var a = ours.parameters().ToArray();
        var b = theirs.parameters().ToArray();
        Assert.Equal(4, a.Length);
        for (var i = 0; i < a.Length; i++)
        {
            TensorAssert.AllClose(b[i], a[i], rtol: 1e-5, atol: 1e-6, because: $"parameter {i} after 10 steps");
        }

        Assert.True(TensorAssert.MaxAbsDiff(start, a[0]) > 0.1, "the parameters did not move");
        Assert.Equal(10, zooOptimizer.Steps);
    }

    [Fact]
    public void BadHyperparameters_NamedWithTheirValues()
    {
        using var net = Net(1);
        Assert.Contains("lr (0)", Assert.Throws<ArgumentException>(() => new ZooAdamW(net.parameters(), lr: 0)).Message);
        Assert.Contains("beta2 (1)", Assert.Throws<ArgumentException>(() => new ZooAdamW(net.parameters(), beta2: 1)).Message);
    }
}
