using System;
using static TorchSharp.torch;

namespace CrossLMM.Zoo.Engine;

/// <summary>What PyTorch's <c>nn.Module</c> has and TorchSharp 0.107's lacks.</summary>
public static class ModuleExtensions
{
    /// <summary>
    /// The submodule at dotted <paramref name="path"/> (<c>"language_model.model.layers.3.cross_attn"</c>), like
    /// PyTorch's <c>Module.get_submodule</c>, or null when there is none (PyTorch raises). <c>""</c> is the module
    /// itself.
    /// </summary>
    public static nn.Module? get_submodule(this nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return module;
        var current = module;
        foreach (var name in path.Split('.'))
        {
            nn.Module? next = null;
            foreach (var (childName, child) in current.named_children())
            {
                if (childName == name)
                {
                    next = child;
                    break;
                }
            }

            if (next is null) return null;
            current = next;
        }

        return current;
    }
}
