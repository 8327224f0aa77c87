using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using CrossLMM.Zoo.Modules.Compressors;

namespace CrossLMM.Zoo.Modules.Cost;

/// <summary>One fusion block's work on its layer in one forward: B, L_v visual and L_t text queries, M source tokens, T frames, and whether the source is projected (false when its keys/values come from the cache).</summary>
/// <param name="Batch">B.</param>
/// <param name="VisualQueries">L_v (0 in decode steps).</param>
/// <param name="TextQueries">L_t.</param>
/// <param name="SourceTokens">M.</param>
/// <param name="Frames">T.</param>
/// <param name="ProjectSource">False when the keys/values come from the cache.</param>
public readonly record struct FusionWork(long Batch, long VisualQueries, long TextQueries, long SourceTokens, long Frames, bool ProjectSource);

/// <summary>
/// A fusion block's cost, stated next to its forward pass (the block marked <c>[BlockFor(typeof(TConfig))]</c> implements
/// it), so the cost model has no case per fusion kind. The numbers must equal what the engine counts; the cost tests hold
/// every kind to that.
/// </summary>
/// <typeparam name="TConfig">The kind's record.</typeparam>
public interface IFusionCost<TConfig>
    where TConfig : FusionConfig
{
    /// <summary>FLOPs of the block on its layer.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="work">The work.</param>
    static abstract FlopBreakdown Flops(TConfig config, LanguageModelConfig llm, FusionWork work);

    /// <summary>The block's own parameters on one layer (a hybrid layer: what it adds to the decoder layer).</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    static abstract ParameterCounts Parameters(TConfig config, LanguageModelConfig llm);

    /// <summary>Values the block caches per source token on one layer (keys and values), given whether text queries read the source.</summary>
    /// <param name="config">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="hasText">Whether the prompt has text tokens.</param>
    static abstract long CachedValuesPerSourceToken(TConfig config, LanguageModelConfig llm, bool hasText);
}

/// <summary>A projector block's cost, stated next to its forward pass (see <see cref="IFusionCost{TConfig}"/>).</summary>
/// <typeparam name="TConfig">The kind's record.</typeparam>
public interface IProjectorCost<TConfig>
    where TConfig : ProjectorConfig
{
    /// <summary>FLOPs of projecting <paramref name="tokens"/> tokens (over the batch).</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected.</param>
    /// <param name="component">The component charged (projector or source projector).</param>
    static abstract FlopBreakdown Flops(TConfig config, long inputWidth, long outputWidth, long tokens, CostComponent component);

    /// <summary>The block's parameters.</summary>
    /// <param name="config">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component charged.</param>
    static abstract ParameterCounts Parameters(TConfig config, long inputWidth, long outputWidth, CostComponent component);
}

/// <summary>A vision block's cost, stated next to its forward pass (see <see cref="IFusionCost{TConfig}"/>).</summary>
public interface IVisionCost
{
    /// <summary>FLOPs of encoding <paramref name="images"/> frames (B·T).</summary>
    /// <param name="vision">The vision sizes.</param>
    /// <param name="images">Frames encoded.</param>
    /// <param name="component">The component charged.</param>
    static abstract FlopBreakdown Flops(VisionConfig vision, long images, CostComponent component);

    /// <summary>The block's parameters.</summary>
    /// <param name="vision">The vision sizes.</param>
    static abstract ParameterCounts Parameters(VisionConfig vision);
}

/// <summary>A language model block's cost, stated next to its forward pass (see <see cref="IFusionCost{TConfig}"/>).</summary>
public interface ILanguageModelCost
{
    /// <summary>FLOPs of one decoder layer's own work on <paramref name="queries"/> new positions attending to <paramref name="keys"/>.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S new positions.</param>
    /// <param name="keys">K = P + S positions attended.</param>
    static abstract FlopBreakdown LayerFlops(LanguageModelConfig llm, long batch, long queries, long keys);

    /// <summary>FLOPs of the LM head over <paramref name="positions"/> positions per sample.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="positions">Positions whose logits are computed.</param>
    static abstract FlopBreakdown HeadFlops(LanguageModelConfig llm, long batch, long positions);

    /// <summary>Parameters of one decoder layer.</summary>
    /// <param name="llm">The LLM sizes.</param>
    static abstract ParameterCounts LayerParameters(LanguageModelConfig llm);

    /// <summary>Parameters outside the layers (embeddings, final norm, head).</summary>
    /// <param name="llm">The LLM sizes.</param>
    static abstract ParameterCounts ShellParameters(LanguageModelConfig llm);
}

/// <summary>Calls the cost a kind's block declares (<see cref="Compressors.ICompressorCost{TConfig}"/>, <see cref="IProjectorCost{TConfig}"/>, <see cref="IFusionCost{TConfig}"/>, <see cref="IVisionCost"/>, <see cref="ILanguageModelCost"/>).</summary>
public static class BlockCosts
{
    /// <summary>The compressor block's FLOPs on (B, T, N, D) features (and a prompt of L tokens for text-guided kinds).</summary>
    /// <param name="compressor">The record.</param>
    /// <param name="vision">The vision section.</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width (llm.hidden).</param>
    /// <param name="batch">B.</param>
    /// <param name="frames">T.</param>
    /// <param name="promptTokens">L.</param>
    public static FlopBreakdown Flops(CompressorConfig compressor, VisionConfig vision, ResamplerConfig resampler, long textWidth, int batch, int frames, int promptTokens) =>
        Declared<Func<CompressorConfig, VisionConfig, ResamplerConfig, long, int, int, int, FlopBreakdown>>(compressor, typeof(ICompressorCost<>), nameof(ICompressorCost<CompressorConfig>.Flops))(compressor, vision, resampler, textWidth, batch, frames, promptTokens);

    /// <summary>The compressor block's parameters.</summary>
    /// <param name="compressor">The record.</param>
    /// <param name="vision">The vision section.</param>
    /// <param name="resampler">The resampler section.</param>
    /// <param name="textWidth">The prompt width (llm.hidden).</param>
    public static long Parameters(CompressorConfig compressor, VisionConfig vision, ResamplerConfig resampler, long textWidth) =>
        Declared<Func<CompressorConfig, VisionConfig, ResamplerConfig, long, long>>(compressor, typeof(ICompressorCost<>), nameof(ICompressorCost<CompressorConfig>.Parameters))(compressor, vision, resampler, textWidth);

    /// <summary>The block's fusion FLOPs.</summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="work">The work.</param>
    public static FlopBreakdown Flops(FusionConfig fusion, LanguageModelConfig llm, FusionWork work) =>
        Declared<Func<FusionConfig, LanguageModelConfig, FusionWork, FlopBreakdown>>(fusion, typeof(IFusionCost<>), nameof(IFusionCost<FusionConfig>.Flops))(fusion, llm, work);

    /// <summary>The block's fusion parameters.</summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts Parameters(FusionConfig fusion, LanguageModelConfig llm) =>
        Declared<Func<FusionConfig, LanguageModelConfig, ParameterCounts>>(fusion, typeof(IFusionCost<>), nameof(IFusionCost<FusionConfig>.Parameters))(fusion, llm);

    /// <summary>Values the fusion block caches per source token on one layer.</summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="hasText">Whether the prompt has text tokens.</param>
    public static long CachedValuesPerSourceToken(FusionConfig fusion, LanguageModelConfig llm, bool hasText) =>
        Declared<Func<FusionConfig, LanguageModelConfig, bool, long>>(fusion, typeof(IFusionCost<>), nameof(IFusionCost<FusionConfig>.CachedValuesPerSourceToken))(fusion, llm, hasText);

    /// <summary>The projector block's FLOPs.</summary>
    /// <param name="projector">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected.</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(ProjectorConfig projector, long inputWidth, long outputWidth, long tokens, CostComponent component) =>
        Declared<Func<ProjectorConfig, long, long, long, CostComponent, FlopBreakdown>>(projector, typeof(IProjectorCost<>), nameof(IProjectorCost<ProjectorConfig>.Flops))(projector, inputWidth, outputWidth, tokens, component);

    /// <summary>The projector block's parameters.</summary>
    /// <param name="projector">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component charged.</param>
    public static ParameterCounts Parameters(ProjectorConfig projector, long inputWidth, long outputWidth, CostComponent component) =>
        Declared<Func<ProjectorConfig, long, long, CostComponent, ParameterCounts>>(projector, typeof(IProjectorCost<>), nameof(IProjectorCost<ProjectorConfig>.Parameters))(projector, inputWidth, outputWidth, component);

    /// <summary>The vision block's FLOPs.</summary>
    /// <param name="vision">The vision sizes.</param>
    /// <param name="images">Frames encoded.</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(VisionConfig vision, long images, CostComponent component) =>
        Declared<Func<VisionConfig, long, CostComponent, FlopBreakdown>>(vision, typeof(IVisionCost), nameof(IVisionCost.Flops))(vision, images, component);

    /// <summary>The vision block's parameters.</summary>
    /// <param name="vision">The vision sizes.</param>
    public static ParameterCounts Parameters(VisionConfig vision) =>
        Declared<Func<VisionConfig, ParameterCounts>>(vision, typeof(IVisionCost), nameof(IVisionCost.Parameters))(vision);

    /// <summary>A decoder layer's FLOPs, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S.</param>
    /// <param name="keys">K.</param>
    public static FlopBreakdown LayerFlops(LanguageModelConfig llm, long batch, long queries, long keys) =>
        Declared<Func<LanguageModelConfig, long, long, long, FlopBreakdown>>(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.LayerFlops))(llm, batch, queries, keys);

    /// <summary>The LM head's FLOPs, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="positions">Positions whose logits are computed.</param>
    public static FlopBreakdown HeadFlops(LanguageModelConfig llm, long batch, long positions) =>
        Declared<Func<LanguageModelConfig, long, long, FlopBreakdown>>(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.HeadFlops))(llm, batch, positions);

    /// <summary>A decoder layer's parameters, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts LayerParameters(LanguageModelConfig llm) =>
        Declared<Func<LanguageModelConfig, ParameterCounts>>(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.LayerParameters))(llm);

    /// <summary>The parameters outside the layers, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts ShellParameters(LanguageModelConfig llm) =>
        Declared<Func<LanguageModelConfig, ParameterCounts>>(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.ShellParameters))(llm);

    // The static method each block implements, by (record type, enum member, cost interface, method), compiled once into
    // a delegate over the slot's base record type: the cost model asks for every layer of every frame count of a sweep,
    // so the dispatch must cost no more than a virtual call (no reflection invoke, no argument array).
    private static readonly ConcurrentDictionary<(Type Record, Enum? Member, Type Cost, string Method), Delegate?> Methods = new();

    // The block's implementation of `method` of the cost interface, for the record's kind; an error naming the kind and
    // its block when the block declares none.
    private static TDelegate Declared<TDelegate>(object record, Type cost, string method)
        where TDelegate : Delegate
    {
        ArgumentNullException.ThrowIfNull(record);
        var member = Blocks.MemberOf(record);
        return Methods.GetOrAdd((record.GetType(), member, cost, method), key => Resolve(key) is MethodInfo target ? Compile<TDelegate>(target) : null) as TDelegate
            ?? throw new ArgumentException($"{Blocks.KindOf(record)}: its block {Blocks.TypeOf(record.GetType(), member)?.Name ?? "(none)"} does not declare its cost ({cost.Name.Split('`')[0]})", nameof(record));
    }

    private static MethodInfo? Resolve((Type Record, Enum? Member, Type Cost, string Method) key)
    {
        var block = Blocks.TypeOf(key.Record, key.Member);
        var closed = key.Cost.IsGenericTypeDefinition ? key.Cost.MakeGenericType(key.Record) : key.Cost;
        if (block is null || !closed.IsAssignableFrom(block))
        {
            return null;
        }

        var map = block.GetInterfaceMap(closed);
        return map.TargetMethods[Array.FindIndex(map.InterfaceMethods, m => m.Name == key.Method)];
    }

    // (base record, …) => Block.Method((Record)record, …): the delegate's arguments converted to the method's parameters.
    private static TDelegate Compile<TDelegate>(MethodInfo target)
        where TDelegate : Delegate
    {
        var parameters = typeof(TDelegate).GetMethod("Invoke")!.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var arguments = target.GetParameters().Select((p, i) => (Expression)Expression.Convert(parameters[i], p.ParameterType));
        return Expression.Lambda<TDelegate>(Expression.Call(target, arguments), parameters).Compile();
    }
}
