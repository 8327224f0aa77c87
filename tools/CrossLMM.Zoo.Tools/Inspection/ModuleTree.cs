using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace CrossLMM.Zoo.Tools.Inspection;

/// <summary>One node of a module tree.</summary>
/// <param name="Name">Attribute name under its parent (<c>vision_tower</c>), or an index range for repeated
/// list items (<c>0-2</c>).</param>
/// <param name="TypeName">The module's .NET type name.</param>
/// <param name="Parameters">Parameters of one item, all its descendants included.</param>
/// <param name="Repeat">How many identical consecutive list items this node stands for (1 for a plain child).</param>
/// <param name="Children">Children, in registration order (empty past the depth limit).</param>
/// <param name="Truncated">Children exist but were cut by the depth limit.</param>
public sealed record ModuleNode(string Name, string TypeName, long Parameters, int Repeat, IReadOnlyList<ModuleNode> Children, bool Truncated)
{
    /// <summary>Parameters of all the items this node stands for.</summary>
    public long TotalParameters => Parameters * Repeat;
}

/// <summary>
/// The module tree of a built model with parameter counts (each node: its parameters and every descendant's).
/// Consecutive items of a module list that are structurally identical (same type, parameter count and
/// sub-structure, e.g. plain decoder layers between two fusion layers) are merged into one node
/// <c>0-2 ×3</c>, so a 28-layer LLM stays readable.
/// </summary>
public static class ModuleTree
{
    /// <summary>The tree of <paramref name="module"/> down to <paramref name="maxDepth"/> levels.</summary>
    /// <param name="module">The root.</param>
    /// <param name="name">The root's display name.</param>
    /// <param name="maxDepth">Levels below the root to expand (≥ 0).</param>
    public static ModuleNode Of(nn.Module module, string name = "model", int maxDepth = 4)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Build(module, name, maxDepth, 1);
    }

    /// <summary>Parameters of a module and all its descendants.</summary>
    /// <param name="module">The module.</param>
    public static long CountParameters(nn.Module module) => module.parameters().Sum(p => p.numel());

    /// <summary>The tree as indented text lines (<c>name  Type  count</c>), as <c>zoo show</c> prints it without colours.</summary>
    /// <param name="root">The tree.</param>
    public static IReadOnlyList<string> Lines(ModuleNode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var lines = new List<string>();
        void Walk(ModuleNode node, string indent)
        {
            lines.Add($"{indent}{Label(node)}");
            foreach (var child in node.Children)
            {
                Walk(child, indent + "  ");
            }
        }

        Walk(root, string.Empty);
        return lines;
    }

    /// <summary>One node's label: <c>layers.0-2 Qwen2DecoderLayer ×3  12,345 each (37,035)</c>.</summary>
    /// <param name="node">The node.</param>
    public static string Label(ModuleNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var c = CultureInfo.InvariantCulture;
        string count = node.Repeat > 1
            ? $"{node.Parameters.ToString("N0", c)} each, {node.TotalParameters.ToString("N0", c)} in all"
            : node.Parameters.ToString("N0", c);
        return $"{node.Name} {node.TypeName}{(node.Repeat > 1 ? $" ×{node.Repeat}" : string.Empty)}  {count}{(node.Truncated ? " …" : string.Empty)}";
    }

    private static ModuleNode Build(nn.Module module, string name, int maxDepth, int repeat)
    {
        var children = module.named_children().ToList();
        long parameters = CountParameters(module);
        if (maxDepth <= 0)
        {
            return new ModuleNode(name, TypeName(module), parameters, repeat, Array.Empty<ModuleNode>(), children.Count > 0);
        }

        var nodes = new List<ModuleNode>();
        for (int i = 0; i < children.Count;)
        {
            var (childName, child) = children[i];
            int j = i + 1;
            if (IsIndex(childName))
            {
                string signature = Signature(child);
                while (j < children.Count && IsIndex(children[j].name) && Signature(children[j].module) == signature)
                {
                    j++;
                }
            }

            string label = j - i > 1 ? $"{childName}-{children[j - 1].name}" : childName;
            nodes.Add(Build(child, label, maxDepth - 1, j - i));
            i = j;
        }

        return new ModuleNode(name, TypeName(module), parameters, repeat, nodes, false);
    }

    // ModuleList`1 → ModuleList<SiglipEncoderLayer>.
    private static string TypeName(nn.Module module)
    {
        var type = module.GetType();
        if (!type.IsGenericType)
        {
            return type.Name;
        }

        string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(a => a.Name))}>";
    }

    private static bool IsIndex(string name) => name.Length > 0 && name.All(char.IsAsciiDigit);

    // Type, parameter names and shapes: equal signatures mean interchangeable list items.
    private static string Signature(nn.Module module) =>
        module.GetType().FullName + "|" + string.Join(";", module.named_parameters().Select(p => p.name + ":" + string.Join("x", p.parameter.shape)));
}
