using System;
using System.Threading;
using CrossLMM.Zoo.Engine;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine.Tests;

/// <summary>The FLOP counter on TorchSharp forward hooks: exact counts per op kind (2 per multiply-add), what is not counted, nesting, threads, per-module attribution.</summary>
public class FlopCounterTests
{
    // A tree of one module, to count a lone layer.
    private sealed class Wrap : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> inner;

        public Wrap(nn.Module<Tensor, Tensor> inner) : base(nameof(Wrap))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => inner.call(x);
    }

    [Fact]
    public void Linear_CountsTwoPerMultiplyAdd_BiasNotCounted()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(8, 16);
        var x = randn(3, 4, 8);
        using var flops = FlopCounter.Start(fc);
        fc.call(x);
        flops.Stop();
        Assert.Equal(2L * 3 * 4 * 16 * 8, flops[FlopKind.Linear]);
        Assert.Equal(flops[FlopKind.Linear], flops.Total);
    }

    [Fact]
    public void Conv2d_Grouped_CountsKernelProductsPerOutput()
    {
        using var scope = NewDisposeScope();
        using var conv = nn.Conv2d(6, 4, kernel_size: 3, padding: 1, groups: 2);   // 3 input channels per group
        using var net = new Wrap(conv);
        var img = randn(2, 6, 8, 8);
        using var flops = FlopCounter.Start(net);
        net.call(img);
        flops.Stop();
        Assert.Equal(2L * (2 * 4 * 8 * 8) * (3 * 3 * 3), flops[FlopKind.Conv]);
        Assert.Equal(flops[FlopKind.Conv], flops.Total);
    }

    [Fact]
    public void Record_ReachesEveryRunningCounter_AndNothingWhenNoneRuns()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(2, 2);
        FlopCounter.Record(FlopKind.Matmul, 1000);                 // no counter: dropped
        Assert.False(FlopCounter.IsCounting);
        using var outer = FlopCounter.Start(fc);
        FlopCounter.Record(FlopKind.Matmul, 10);
        using (var inner = FlopCounter.Start(fc)) {
            Assert.True(FlopCounter.IsCounting);
            FlopCounter.Record(FlopKind.Bmm, 7);
            inner.Stop();
            Assert.Equal(7, inner.Total);
            Assert.Equal(7, inner[FlopKind.Bmm]);
        }
        outer.Stop();
        Assert.Equal(17, outer.Total);
        Assert.Equal(10, outer[FlopKind.Matmul]);
    }

    [Fact]
    public void ElementwiseNormsSoftmaxRawMatmulAndBackward_NotCounted()
    {
        // Only modules' products and the zoo's recorded call sites count; a raw torch.matmul is not seen.
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(8, 8, hasBias: false);
        var x = randn(new long[] { 4, 8 }, requires_grad: true);
        using var flops = FlopCounter.Start(fc);
        var y = nn.functional.layer_norm(x, new long[] { 8 });
        y = nn.functional.gelu(y).softmax(-1) + 1;
        y = fc.call(y);                                            // the only counted op: 2*4*8*8
        y = y.matmul(randn(8, 8));
        y.sum().backward();
        flops.Stop();
        Assert.Equal(2L * 4 * 8 * 8, flops.Total);
    }

    [Fact]
    public void Nested_OuterSeesInnerRegion_InnerSeesOnlyItsOwn()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(4, 4, hasBias: false);
        var a = randn(4, 4);
        using var outer = FlopCounter.Start(fc);
        fc.call(a);
        using (var inner = FlopCounter.Start(fc)) {
            fc.call(a);
            fc.call(a);
            inner.Stop();
            Assert.Equal(2 * 128L, inner.Total);
        }
        outer.Stop();
        Assert.Equal(3 * 128L, outer.Total);
    }

    [Fact]
    public void StoppedOutOfOrder_Throws()
    {
        using var fc = nn.Linear(2, 2);
        var outer = FlopCounter.Start(fc);
        var inner = FlopCounter.Start(fc);
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
        using var fc = nn.Linear(16, 16);
        using var flops = FlopCounter.Start(fc);
        var t = new Thread(() => {
            using var s = NewDisposeScope();
            fc.call(randn(16, 16));
            FlopCounter.Record(FlopKind.Matmul, 99);
        });
        t.Start();
        t.Join();
        flops.Stop();
        Assert.Equal(0, flops.Total);
    }

    [Fact]
    public void AfterStop_CountsAreFrozen_AndHooksRemoved()
    {
        using var scope = NewDisposeScope();
        using var fc = nn.Linear(4, 4, hasBias: false);
        var a = randn(4, 4);
        var flops = FlopCounter.Start(fc);
        fc.call(a);
        flops.Stop();
        fc.call(a);
        using var again = FlopCounter.Start(fc);                   // one hook per running counter: no double count
        fc.call(a);
        again.Stop();
        Assert.Equal(128, flops.Total);
        Assert.Equal(128, again.Total);
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
            x = x.matmul(mix);                                     // the root's own work (exclusive), reported as the zoo's call sites do
            FlopCounter.Record(FlopKind.Matmul, 2 * x.shape[0] * mix.shape[0] * mix.shape[1]);
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
        FlopCounter.Record(FlopKind.Matmul, 2 * n * d * 2);        // outside any module
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
