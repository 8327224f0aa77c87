using TorchSharp;

namespace CrossLMM.Zoo.Engine;

/// <summary>
/// Counts of tensors alive, for leak tests. A leak test reads <see cref="Live"/> before and after a workload
/// (after disposing what it owns, or after <c>GC.Collect(); GC.WaitForPendingFinalizers()</c> when it relies on
/// finalizers) and expects the same number.
/// </summary>
public static class NativeTensors
{
    /// <summary>
    /// <see cref="torch.Tensor"/> objects alive in the process (not yet disposed or finalized), each owning one
    /// native tensor handle: TorchSharp's <c>Tensor.TotalCount</c>. Storages shared by several handles (views)
    /// count once per handle; tensors held only inside libtorch (the autograd graph) do not count.
    /// </summary>
    public static long Live => torch.Tensor.TotalCount;

    /// <summary>Tensors created and not yet disposed by this thread, as TorchSharp's dispose-scope statistics count them.</summary>
    public static long ThreadLive => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
