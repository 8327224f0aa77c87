using TorchSharp.Native;
using static TorchSharp.Native.NativeMethods;

namespace TorchSharp.Modules;

/// <summary>
/// A tensor that is a module's learnable state. It shares storage with the tensor it was made from, is cut
/// from that tensor's graph, and is owned by its module (never by a dispose scope).
/// </summary>
public class Parameter : torch.Tensor
{
    public Parameter(torch.Tensor data, bool requires_grad = true)
        : base(NativeError.Check(zt_detach(data.Handle)))
    {
        DetachFromDisposeScope();
        this.requires_grad = requires_grad;
    }
}
