using System;
using System.Threading;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>The FLOP counter: exact counts per op kind (2 per multiply-add), what is not counted, nesting, threads, per-module attribution.</summary>
public class FlopCounterTests
{
    [Fact]
    public void Linear_CountsTwoPerMultiplyAdd_BiasNotCounted()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(8, 16);
        var x = randn(3, 4, 8);
        using var flops = FlopCounter.Start();
        fc.call(x);
        flops.Stop();
        Assert.Equal(2L * 3 * 4 * 16 * 8, flops[FlopKind.Linear]);
        Assert.Equal(flops[FlopKind.Linear], flops.Total);
    }

    [Fact]
    public void Matmul_Broadcasting_CountsOutputTimesInnerSize()
    {
        using var scope = NewDisposeScope();
        var a = randn(2, 3, 4, 5);
        var b = randn(5, 6);
        var v = randn(5);
        using var flops = FlopCounter.Start();
        a.matmul(b);                       // [2,3,4,6] x K=5
        a.matmul(v);                       // [2,3,4]   x K=5
        v.matmul(v);                       // []        x K=5
        flops.Stop();
        Assert.Equal(2L * (2 * 3 * 4 * 6 * 5 + 2 * 3 * 4 * 5 + 5), flops[FlopKind.Matmul]);
    }

    [Fact]
    public void BmmAndConv_CountedUnderTheirKinds()
    {
        using var scope = NewDisposeScope();
        var a = randn(3, 4, 5);
        var b = randn(3, 5, 7);
        var img = randn(2, 6, 8, 8);
        var w = randn(4, 3, 3, 3);                                  // groups = 2: 3 input channels per group
        using var flops = FlopCounter.Start();
        bmm(a, b);
        nn.functional.conv2d(img, w, padding: new long[] { 1 }, groups: 2);
        flops.Stop();
        Assert.Equal(2L * 3 * 4 * 7 * 5, flops[FlopKind.Bmm]);
        Assert.Equal(2L * (2 * 4 * 8 * 8) * (3 * 3 * 3), flops[FlopKind.Conv]);
        Assert.Equal(0, flops[FlopKind.Matmul]);
    }

    [Fact]
    public void ScaledDotProductAttention_CountsItsTwoMatmuls()
    {
        using var scope = NewDisposeScope();
        long b = 2, h = 3, l = 5, s = 7, e = 4, ev = 6;
        var q = randn(b, h, l, e);
        var k = randn(b, h, s, e);
        var v = randn(b, h, s, ev);
        using var flops = FlopCounter.Start();
        nn.functional.scaled_dot_product_attention(q, k, v, is_causal: true);
        flops.Stop();
        Assert.Equal(2 * b * h * l * s * e + 2 * b * h * l * s * ev, flops[FlopKind.Matmul]);
    }

    [Fact]
    public void ElementwiseNormsSoftmaxAndBackward_NotCounted()
    {
        using var scope = NewDisposeScope();
        var x = randn(new long[] { 4, 8 }, requires_grad: true);
        var w = randn(8, 8);
        using var flops = FlopCounter.Start();
        var y = nn.functional.layer_norm(x, new long[] { 8 });
        y = nn.functional.gelu(y).softmax(-1) + 1;
        y = y.matmul(w);                                           // the only counted op: 2*4*8*8
        y.sum().backward();
        flops.Stop();
        Assert.Equal(2L * 4 * 8 * 8, flops.Total);
    }

    [Fact]
    public void Nested_OuterSeesInnerRegion_InnerSeesOnlyItsOwn()
    {
        using var scope = NewDisposeScope();
        var a = randn(4, 4);
        using var outer = FlopCounter.Start();
        a.matmul(a);
        using (var inner = FlopCounter.Start()) {
            a.matmul(a);
            a.matmul(a);
            inner.Stop();
            Assert.Equal(2 * 128L, inner.Total);
        }
        outer.Stop();
        Assert.Equal(3 * 128L, outer.Total);
    }

    [Fact]
    public void StoppedOutOfOrder_Throws()
    {
        var outer = FlopCounter.Start();
        var inner = FlopCounter.Start();
        var ex = Assert.Throws<InvalidOperationException>(() => outer.Stop());
        Assert.Contains("reverse order", ex.Message);
        inner.Stop();
        outer.Stop();
        Assert.False(outer.IsRunning);
    }

    [Fact]
    public void OtherThreads_NotCounted()
    {
        using var scope = NewDisposeScope();
        using var flops = FlopCounter.Start();
        var t = new Thread(() => {
            using var s = NewDisposeScope();
            var a = randn(16, 16);
            a.matmul(a);
        });
        t.Start();
        t.Join();
        flops.Stop();
        Assert.Equal(0, flops.Total);
    }

    [Fact]
    public void AfterStop_CountsAreFrozen()
    {
        using var scope = NewDisposeScope();
        var a = randn(4, 4);
        var flops = FlopCounter.Start();
        a.matmul(a);
        flops.Stop();
        a.matmul(a);
        Assert.Equal(128, flops.Total);
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly Linear up;
        private readonly Linear down;

        public Block(long d) : base(nameof(Block))
        {
            up = nn.Linear(d, 2 * d);
            down = nn.Linear(2 * d, d);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => down.call(nn.functional.gelu(up.call(x)));
    }

    private sealed class Net : nn.Module<Tensor, Tensor>
    {
        private readonly Block block0;
        private readonly Block block1;
        private readonly Tensor mix;

        public Net(long d) : base(nameof(Net))
        {
            block0 = new Block(d);
            block1 = new Block(d);
            mix = randn(d, d);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = block0.call(x);
            x = x.matmul(mix);                                     // the root's own work (exclusive)
            x = block1.call(x);
            return block1.call(x);                                 // called twice: calls = 2
        }
    }

    [Fact]
    public void PerModule_InclusiveAndExclusiveAttributedToCallStack()
    {
        using var scope = NewDisposeScope();
        const long d = 8, n = 3;
        using var net = new Net(d);
        var x = randn(n, d);
        using var flops = FlopCounter.Start(net);
        var y = net.call(x);
        y.matmul(randn(d, 2));                                     // outside any module
        flops.Stop();

        var lin = 2 * n * d * (2 * d);                             // one Linear of a Block
        var mix = 2 * n * d * d;
        var m = flops.ByModule;
        Assert.Equal(2 * lin, m["block0"].Inclusive);
        Assert.Equal(0, m["block0"].Exclusive);
        Assert.Equal(lin, m["block0.up"].Exclusive);
        Assert.Equal(lin, m["block0.down"].Inclusive);
        Assert.Equal(2, m["block1"].Calls);
        Assert.Equal(4 * lin, m["block1"].Inclusive);
        Assert.Equal(2 * lin, m["block1.up"].Exclusive);
        Assert.Equal(mix, m[""].Exclusive);
        Assert.Equal(6 * lin + mix, m[""].Inclusive);
        Assert.Equal(2 * n * d * 2, flops.Unattributed);
        Assert.Equal(m[""].Inclusive + flops.Unattributed, flops.Total);
        var exclusiveSum = 0L;
        foreach (var v in m.Values) exclusiveSum += v.Exclusive;
        Assert.Equal(m[""].Inclusive, exclusiveSum);
        Assert.Contains("block1.up", flops.ToTable());
    }

    [Fact]
    public void PerModule_AfterStop_ObserverRemoved()
    {
        using var scope = NewDisposeScope();
        using var net = new Net(4);
        var x = randn(2, 4);
        var first = FlopCounter.Start(net);
        net.call(x);
        first.Stop();
        var total = first.ByModule[""].Inclusive;
        net.call(x);
        Assert.Equal(total, first.ByModule[""].Inclusive);
        Assert.Equal(1, first.ByModule[""].Calls);
    }
}
