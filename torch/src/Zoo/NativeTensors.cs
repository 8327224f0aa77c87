using TorchSharp;
using TorchSharp.Native;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Counts of tensor handles alive, for leak tests. A leak test reads <see cref="Live"/> before and after
/// a workload (after disposing what it owns, or after <c>GC.Collect(); GC.WaitForPendingFinalizers()</c>
/// when it relies on finalizers) and expects the same number.
/// </summary>
public static class NativeTensors
{
    /// <summary>
    /// Handles the shim has handed out and not yet freed, over all threads: each is one owning
    /// <c>at::Tensor*</c>, i.e. one <see cref="torch.Tensor"/> object not yet disposed or finalized.
    /// Storages shared by several handles (views, aliases, gradients read twice) count once per handle;
    /// tensors held only inside libtorch (the autograd graph, accumulated <c>.grad</c>) do not count.
    /// </summary>
    public static long Live => NativeMethods.zt_live_tensors();

    /// <summary>Managed <see cref="torch.Tensor"/> objects alive (not yet disposed or finalized).</summary>
    public static long Managed => torch.Tensor.TotalCount;
}
