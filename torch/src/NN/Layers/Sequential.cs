using System;
using System.Collections.Generic;
using System.Globalization;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>
/// Runs its submodules in order, each on the previous one's output (PyTorch's <c>nn.Sequential</c>). Submodules
/// are registered under their given names, or "0", "1", … by position. Intermediate outputs are disposed as soon
/// as the next module has consumed them; the caller owns the input and the final output.
/// </summary>
public sealed class Sequential : nn.Module<Tensor, Tensor>
{
    private readonly List<nn.Module<Tensor, Tensor>> _modules = new();

    internal Sequential() : base(nameof(Sequential)) { }

    /// <summary>Appends <paramref name="module"/> under the name of its position.</summary>
    public Sequential append(nn.Module<Tensor, Tensor> module) => append(_modules.Count.ToString(CultureInfo.InvariantCulture), module);

    /// <summary>Appends <paramref name="module"/> under <paramref name="name"/>.</summary>
    public Sequential append(string name, nn.Module<Tensor, Tensor> module)
    {
        ArgumentNullException.ThrowIfNull(module);
        register_module(name, module);
        _modules.Add(module);
        return this;
    }

    public int Count => _modules.Count;

    public nn.Module<Tensor, Tensor> this[int index] => _modules[index];

    public override Tensor forward(Tensor input)
    {
        if (_modules.Count == 0) return input.alias();
        var x = _modules[0].call(input);
        for (var i = 1; i < _modules.Count; i++) {
            var next = _modules[i].call(x);
            if (!ReferenceEquals(next, x)) x.Dispose();
            x = next;
        }
        return x;
    }
}
