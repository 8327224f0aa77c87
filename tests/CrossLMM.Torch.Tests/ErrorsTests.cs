using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CrossLMM.Torch.Tests;

/// <summary>
/// libtorch errors surface as .NET exceptions carrying libtorch's own message — forward, in autograd and
/// inside the backward pass — and the process (and the engine) keeps working afterwards.
/// </summary>
public class ErrorsTests
{
    /// <summary>(case, action that must fail, a fragment of libtorch's message).</summary>
    public static TheoryData<string, Action, string> LibtorchErrors() => new() {
        { "matmul shape mismatch", () => Use(ones(2, 3).matmul(ones(4, 5))), "cannot be multiplied (2x3 and 4x5)" },
        { "cat shape mismatch", () => Use(cat(new[] { ones(2, 3), ones(2, 4) }, 0)), "Sizes of tensors must match except in dimension 0" },
        { "view of incompatible strides", () => Use(ones(3, 4).t().view(12)), "view size is not compatible with input tensor's size and stride" },
        { "reshape to wrong numel", () => Use(ones(2, 3).reshape(5)), "shape '[5]' is invalid for input of size 6" },
        { "bad dtype in mm", () => Use(ones(2, 2).mm(ones(new long[] { 2, 2 }, dtype: int64))), "expected scalar type Float but found Long" },
        { "float index for index_select", () => Use(ones(3).index_select(0, ones(2))), "index_select(): Expected dtype int" },
        { "select out of range", () => Use(ones(3).select(0, 5)), "index 5 out of range for tensor of size [3] at dimension 0" },
        { "narrow out of range", () => Use(ones(3).narrow(0, 2, 5)), "start (2) + length (5) exceeds dimension size (3)" },
        { "index_select out of range", () => Use(ones(3).index_select(0, tensor(new long[] { 7 }))), "out of range" },
        { "permute with repeated dim", () => Use(ones(2, 3).permute(0, 0)), "duplicate dims are not allowed" },
        { "permute with wrong rank", () => Use(ones(2, 3).permute(0, 1, 2)), "does not match the length of the desired ordering of dimensions" },
        { "backward on non-scalar", () => BackwardNonScalar(), "grad can be implicitly created only for scalar outputs" },
        { "backward without grad", () => ones(2).sum().backward(), "does not require grad and does not have a grad_fn" },
        { "backward twice", () => BackwardTwice(), "Trying to backward through the graph a second time" },
        { "bad gradient shape", () => BackwardBadGradShape(), "invalid gradient at index 0 - got [4] but expected shape compatible with [3]" },
        { "saved tensor modified in place (inside backward)", () => BackwardAfterInPlace(), "modified by an inplace operation" },
        { "in-place on a leaf requiring grad", () => ones(new long[] { 2 }, requires_grad: true).add_(1), "a leaf Variable that requires grad is being used in an in-place operation" },
        { "gather with a float index", () => Use(ones(2, 2).gather(1, ones(2, 2))), "gather(): Expected dtype int64 for index" },
    };

    private static void Use(Tensor t) => t.Dispose();

    private static void BackwardNonScalar()
    {
        using var x = ones(new long[] { 3 }, requires_grad: true);
        using var y = x * 2;
        y.backward();
    }

    private static void BackwardTwice()
    {
        using var x = ones(new long[] { 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        y.backward();
    }

    private static void BackwardBadGradShape()
    {
        using var x = ones(new long[] { 3 }, requires_grad: true);
        using var y = x * 2;
        using var g = ones(4);
        y.backward(new[] { g });
    }

    private static void BackwardAfterInPlace()
    {
        using var x = ones(new long[] { 3 }, requires_grad: true);
        using var s = x.sigmoid();                                 // sigmoid saves its output for backward
        using var loss = s.sum();
        s.mul_(2);                                                 // ... which is now changed
        loss.backward();
    }

    [Theory]
    [MemberData(nameof(LibtorchErrors))]
    public void LibtorchError_SurfacesAsExternalExceptionWithItsMessage_AndEngineKeepsWorking(string name, Action action, string fragment)
    {
        using var scope = NewDisposeScope();
        var ex = Assert.ThrowsAny<ExternalException>(action);
        Assert.True(ex.Message.Contains(fragment, StringComparison.Ordinal), $"{name}: libtorch's message lacks \"{fragment}\": {ex.Message}");
        Assert.DoesNotContain("Exception raised from", ex.Message);          // no C++ backtrace noise
        // the process survived, and the next operation works normally
        var ok = ones(2, 2).matmul(ones(2, 2));
        Assert.Equal(new float[] { 2, 2, 2, 2 }, ok.ToArray<float>());
    }

    [Fact]
    public void ErrorMessages_AreThreadLocal_UnderConcurrentFailures()
    {
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => {
            using var scope = NewDisposeScope();
            var n = 2 + i % 7;
            var ex = Assert.ThrowsAny<ExternalException>(() => ones(n, 3).matmul(ones(4, n)));
            Assert.Contains($"({n}x3 and 4x{n})", ex.Message);
        });
    }

    [Fact]
    public void ManagedArgumentChecks_ThrowArgumentExceptions()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => ones(2).item<float>());
        Assert.Throws<ArgumentException>(() => ones(2).ToArray<double>());
        Assert.Throws<ArgumentException>(() => zeros(new long[] { -1, 2 }));
        Assert.Throws<ArgumentException>(() => tensor(new float[] { 1, 2, 3 }, new long[] { 2, 2 }));
    }

    [Fact]
    public void UseAfterDispose_ThrowsObjectDisposedException()
    {
        var t = ones(2, 2);
        using var other = ones(2, 2);
        t.Dispose();
        t.Dispose();                                               // twice is harmless
        Assert.True(t.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => t.shape);
        Assert.Throws<ObjectDisposedException>(() => t.add(1));
        Assert.Throws<ObjectDisposedException>(() => other.add(t));      // as an argument too
        Assert.Throws<ObjectDisposedException>(() => t.ToArray<float>());
        Assert.Throws<ObjectDisposedException>(() => t.requires_grad);
        Assert.Equal("[disposed tensor]", t.ToString());
    }

    [Fact]
    public void UseAfterScopeDisposed_ThrowsObjectDisposedException()
    {
        Tensor t;
        using (NewDisposeScope()) t = ones(3);
        Assert.Throws<ObjectDisposedException>(() => t.sum());
    }
}

/// <summary>Finalizers release tensors nobody disposed (a backstop; the live counter proves it).</summary>
[Collection(NativeCountersCollection.Name)]
public class FinalizerTests
{
    [Fact]
    public void UndisposedTensors_AreReleasedByTheFinalizer()
    {
        var before = NativeCountersCollection.SettledLiveCount();
        var weak = Allocate(100);
        Assert.Equal(before + 100, CrossLMM.Zoo.Engine.NativeTensors.Live);
        for (var i = 0; i < 5 && weak.IsAlive; i++) {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive);
        Assert.Equal(before, CrossLMM.Zoo.Engine.NativeTensors.Live);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference Allocate(int n)
    {
        var tensors = Enumerable.Range(0, n).Select(i => full(new long[] { 4 }, i)).ToArray();
        return new WeakReference(tensors[^1]);
    }
}
