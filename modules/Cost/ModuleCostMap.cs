using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Modules.Compressors;
using CrossLMM.Zoo.Modules.Core;
using CrossLMM.Zoo.Modules.Fusion;
using CrossLMM.Zoo.Modules.Language;
using CrossLMM.Zoo.Modules.Projectors;
using CrossLMM.Zoo.Modules.Vision;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>
/// Maps every module of a real model (or block) to the <see cref="CostComponent"/> its own work and its own
/// parameters belong to — the bridge between the analytic model and a measurement. Given the exclusive
/// FLOPs per module path that the engine's FLOP hook reports (each FLOP charged to the innermost module on
/// the call stack), <see cref="Attribute"/> sums them per component; <see cref="Parameters"/> does the same
/// for <c>named_parameters()</c>. The rules follow the module types, not paths, so they hold for a block on
/// its own as well as inside the composed model:
/// <list type="bullet">
/// <item>everything under a <see cref="VisionEncoder"/> → vision; under a <see cref="VisualCompressor"/> → compressor;
/// under a <see cref="VisualProjector"/> → projector, or source projector when the module is named <c>source_projector</c>;</item>
/// <item>inside a fusion block (<see cref="DecoderFusion"/>, <see cref="HybridCrossAttention"/>): <c>k_proj</c>/<c>v_proj</c> →
/// fusion K/V; MLPs → fusion FFN; gates → fusion gates; norms → fusion norms; the rest (the block itself, where the
/// attention products run, <c>q_proj</c>, <c>o_proj</c>) → fusion attention;</item>
/// <item>in the LLM: <see cref="GroupedQueryAttention"/>'s Linears → attention projections; the attention module and the
/// decoder layer themselves (where QKᵀ and AV run) → attention scores; <see cref="SwiGluMlp"/> → MLP; RMSNorms → norms;
/// the embedding → embeddings; <c>lm_head</c> and <see cref="Qwen2ForCausalLM"/> itself (the tied head's
/// <c>F.linear</c>) and the composed <see cref="VideoLmm"/> itself (which runs that head outside <c>call()</c>) → LM head;</item>
/// <item>containers (model, module lists, rotary embedding) → none: they must neither run products nor own parameters.</item>
/// </list>
/// </summary>
public sealed class ModuleCostMap
{
    private readonly Dictionary<string, CostComponent?> _components = new(StringComparer.Ordinal);
    private readonly nn.Module _root;

    private ModuleCostMap(nn.Module root) => _root = root;

    /// <summary>Every module path of the tree with its component (null: a container).</summary>
    public IReadOnlyDictionary<string, CostComponent?> Components => _components;

    /// <summary>Builds the map of <paramref name="root"/>'s tree.</summary>
    /// <param name="root">The model or block (its path is <c>""</c>).</param>
    /// <param name="rootComponent">The component of the root's own work when its type says nothing (e.g. a composed
    /// model that runs the tied LM head itself); null by default.</param>
    public static ModuleCostMap Create(nn.Module root, CostComponent? rootComponent = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var map = new ModuleCostMap(root);
        var own = Classify(root, string.Empty, Region.None, parentIsAttention: false, out var region);
        map._components[string.Empty] = own ?? rootComponent;
        map.Visit(root, string.Empty, region);
        return map;
    }

    /// <summary>The component of a module path (null: a container).</summary>
    /// <param name="path">A dotted path from the root (<c>""</c> is the root).</param>
    /// <exception cref="ArgumentException">The path is not in the tree.</exception>
    public CostComponent? ComponentOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return _components.TryGetValue(path, out var component)
            ? component
            : throw new ArgumentException($"'{path}' is not a module path of the {_root.GetName()} tree", nameof(path));
    }

    /// <summary>Sums exclusive FLOPs per module path into components.</summary>
    /// <param name="exclusiveByPath">Exclusive FLOPs per module path (the hook's <c>ByModule[path].Exclusive</c>).</param>
    /// <param name="outsideModules">FLOPs counted while no module was on the call stack (the hook's <c>Unattributed</c>).
    /// They are the root's own work when the counted code was a method of the root called directly rather than
    /// through <c>call()</c> (e.g. <c>VideoLmm.Decode</c>), so they are charged like the root's exclusive FLOPs.</param>
    /// <returns>FLOPs per component (every component present, zeros included).</returns>
    /// <exception cref="InvalidOperationException">FLOPs on a container or on a path outside the tree — a product the map does not know about.</exception>
    public IReadOnlyDictionary<CostComponent, long> Attribute(IEnumerable<KeyValuePair<string, long>> exclusiveByPath, long outsideModules = 0)
    {
        ArgumentNullException.ThrowIfNull(exclusiveByPath);
        var totals = CostComponents.All.ToDictionary(c => c, _ => 0L);
        var all = exclusiveByPath.Append(new KeyValuePair<string, long>(string.Empty, outsideModules));
        foreach (var (path, flops) in all)
        {
            if (flops == 0)
            {
                continue;
            }

            if (!_components.TryGetValue(path, out var component) || component is null)
            {
                throw new InvalidOperationException(
                    $"{flops} FLOPs ran in '{path}', which the cost map treats as a container (or which is outside the tree): a product the cost model does not know about");
            }

            totals[component.Value] = checked(totals[component.Value] + flops);
        }

        return totals;
    }

    /// <summary>The parameters of the tree per component (each parameter charged to the module that owns it).</summary>
    /// <exception cref="InvalidOperationException">A parameter owned by a container.</exception>
    public ParameterCounts Parameters()
    {
        var total = ParameterCounts.Zero;
        foreach (var (name, parameter) in _root.named_parameters())
        {
            int dot = name.LastIndexOf('.');
            string owner = dot < 0 ? string.Empty : name.Substring(0, dot);
            var component = ComponentOf(owner)
                ?? throw new InvalidOperationException($"parameter '{name}' belongs to a container the cost map does not charge");
            total += ParameterCounts.Of(component, parameter.numel());
        }

        return total;
    }

    private void Visit(nn.Module module, string path, Region region)
    {
        bool isAttention = module is GroupedQueryAttention;
        foreach (var (name, child) in module.named_children())
        {
            string childPath = path.Length == 0 ? name : path + "." + name;
            _components[childPath] = Classify(child, name, region, isAttention, out var childRegion);
            Visit(child, childPath, childRegion);
        }
    }

    // The component of one module's own work and parameters, and the region its children inherit.
    private static CostComponent? Classify(nn.Module module, string name, Region region, bool parentIsAttention, out Region childRegion)
    {
        childRegion = region;
        switch (region)
        {
            case Region.Vision:
                return CostComponent.Vision;
            case Region.Compressor:
                return CostComponent.Compressor;
            case Region.Projector:
                return CostComponent.Projector;
            case Region.SourceProjector:
                return CostComponent.SourceProjector;
            case Region.FusionFeedForward:
                return CostComponent.FusionFeedForward;
            case Region.FusionGate:
                return CostComponent.FusionGates;
            case Region.Mlp:
                return CostComponent.Mlp;
        }

        switch (module)
        {
            case VisionEncoder:
                childRegion = Region.Vision;
                return CostComponent.Vision;
            case VisualCompressor:
                childRegion = Region.Compressor;
                return CostComponent.Compressor;
            case VisualProjector:
                bool source = name == "source_projector";
                childRegion = source ? Region.SourceProjector : Region.Projector;
                return source ? CostComponent.SourceProjector : CostComponent.Projector;
            case DecoderFusion or HybridCrossAttention:
                childRegion = Region.Fusion;
                return CostComponent.FusionAttention;
        }

        if (region == Region.Fusion)
        {
            switch (module)
            {
                case Linear when name is "k_proj" or "v_proj":
                    return CostComponent.FusionKeyValueProjections;
                case SwiGluMlp or GeluMlp:
                    childRegion = Region.FusionFeedForward;
                    return CostComponent.FusionFeedForward;
                case TanhGate or HybridGate:
                    childRegion = Region.FusionGate;
                    return CostComponent.FusionGates;
                case RMSNorm or LayerNorm:
                    return CostComponent.FusionNorms;
                default:
                    return CostComponent.FusionAttention;
            }
        }

        switch (module)
        {
            case Linear when parentIsAttention:
                return CostComponent.AttentionProjections;
            case GroupedQueryAttention or DecoderLayer:
                return CostComponent.AttentionScores;
            case SwiGluMlp:
                childRegion = Region.Mlp;
                return CostComponent.Mlp;
            case RMSNorm:
                return CostComponent.Norms;
            case Embedding:
                return CostComponent.Embeddings;
            case Linear when name == "lm_head":
                return CostComponent.LmHead;
            case Qwen2ForCausalLM:
                return CostComponent.LmHead;
            case VideoLmm:
                // The composed model runs the language model's head through ForwardEmbeddings (not call()),
                // so a tied head's F.linear is the one product charged to the root itself.
                return CostComponent.LmHead;
            default:
                return null;
        }
    }

    private enum Region
    {
        None,
        Vision,
        Compressor,
        Projector,
        SourceProjector,
        Fusion,
        FusionFeedForward,
        FusionGate,
        Mlp,
    }
}
