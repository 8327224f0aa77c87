using CrossLMM.Testing;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Modules.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Modules.Tests.Core;

/// <summary>
/// The attention kernel entry's three ways to run grouped-query attention give the same values and report the same
/// FLOPs: heads folded into rows (short queries), K/V repeated for a per-query mask (long prefills), and libtorch's
/// is_causal for a plain causal mask from <see cref="AttentionMasks.Causal"/>.
/// </summary>
public class ScaledDotProductAttentionTests
{
    [Theory]
    [InlineData(2, 8, 2, 5, 4)]       // short: heads folded into rows
    [InlineData(1, 8, 2, 600, 16)]    // S > 8·d: K/V repeated
    [InlineData(2, 4, 4, 40, 8)]      // no grouping
    public void PlainCausal_EqualsTheSameMaskReadExplicitly_AndCountsTheSameFlops(long batch, long heads, long groups, long length, long width)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var q = randn(batch, heads, length, width);
        var k = randn(batch, groups, length, width);
        var v = randn(batch, groups, length, width);
        var plain = AttentionMasks.Causal(length);
        var copy = plain.clone();   // the same values, not the object Causal returned
        Assert.True(AttentionMasks.IsPlainCausal(plain));
        Assert.False(AttentionMasks.IsPlainCausal(copy));
        Assert.False(AttentionMasks.IsPlainCausal(AttentionMasks.Causal(length, pastLength: 1)));

        using var module = nn.Linear(1, 1);   // a root for the counter; the products are recorded by the kernel entry
        long flopsFast, flopsExplicit;
        Tensor fast, explicitMask;
        using (var counter = FlopCounter.Start(module))
        {
            fast = ScaledDotProductAttention.ComputeGrouped(q, k, v, plain);
            flopsFast = counter.Stop().Total;
        }

        using (var counter = FlopCounter.Start(module))
        {
            explicitMask = ScaledDotProductAttention.ComputeGrouped(q, k, v, copy);
            flopsExplicit = counter.Stop().Total;
        }

        TensorAssert.AllClose(explicitMask, fast, rtol: 1e-5, atol: 1e-6, because: "is_causal vs the explicit causal mask");
        Assert.Equal(flopsExplicit, flopsFast);
        Assert.Equal(2 * batch * heads * length * length * (2 * width), flopsFast);
        // and against the definition: the first query sees only the first key, so its output is v[0] of its group
        var r = heads / groups;
        TensorAssert.AllClose(v[.., 0, 0], fast[.., 0, 0], rtol: 1e-5, atol: 1e-6, because: "query 0 of head 0");
        TensorAssert.AllClose(v[.., groups - 1, 0], fast[.., heads - 1, 0], rtol: 1e-5, atol: 1e-6, because: $"query 0 of head {heads - 1} (group {(heads - 1) / r})");
    }
}
