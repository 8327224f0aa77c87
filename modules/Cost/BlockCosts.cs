using System;
using System.Reflection;
using System.Runtime.ExceptionServices;

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

/// <summary>Calls the cost a kind's block declares (<see cref="IFusionCost{TConfig}"/>, <see cref="IProjectorCost{TConfig}"/>, <see cref="IVisionCost"/>, <c>ICompressorCost</c>).</summary>
public static class BlockCosts
{
    /// <summary>The block's fusion FLOPs.</summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="work">The work.</param>
    public static FlopBreakdown Flops(FusionConfig fusion, LanguageModelConfig llm, FusionWork work) =>
        (FlopBreakdown)Declared(fusion, typeof(IFusionCost<>), nameof(IFusionCost<FusionConfig>.Flops), fusion, llm, work);

    /// <summary>The block's fusion parameters.</summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts Parameters(FusionConfig fusion, LanguageModelConfig llm) =>
        (ParameterCounts)Declared(fusion, typeof(IFusionCost<>), nameof(IFusionCost<FusionConfig>.Parameters), fusion, llm);

    /// <summary>Values the fusion block caches per source token on one layer.</summary>
    /// <param name="fusion">The entry.</param>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="hasText">Whether the prompt has text tokens.</param>
    public static long CachedValuesPerSourceToken(FusionConfig fusion, LanguageModelConfig llm, bool hasText) =>
        (long)Declared(fusion, typeof(IFusionCost<>), nameof(IFusionCost<FusionConfig>.CachedValuesPerSourceToken), fusion, llm, hasText);

    /// <summary>The projector block's FLOPs.</summary>
    /// <param name="projector">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="tokens">Tokens projected.</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(ProjectorConfig projector, long inputWidth, long outputWidth, long tokens, CostComponent component) =>
        (FlopBreakdown)Declared(projector, typeof(IProjectorCost<>), nameof(IProjectorCost<ProjectorConfig>.Flops), projector, inputWidth, outputWidth, tokens, component);

    /// <summary>The projector block's parameters.</summary>
    /// <param name="projector">The record.</param>
    /// <param name="inputWidth">in.</param>
    /// <param name="outputWidth">H.</param>
    /// <param name="component">The component charged.</param>
    public static ParameterCounts Parameters(ProjectorConfig projector, long inputWidth, long outputWidth, CostComponent component) =>
        (ParameterCounts)Declared(projector, typeof(IProjectorCost<>), nameof(IProjectorCost<ProjectorConfig>.Parameters), projector, inputWidth, outputWidth, component);

    /// <summary>The vision block's FLOPs.</summary>
    /// <param name="vision">The vision sizes.</param>
    /// <param name="images">Frames encoded.</param>
    /// <param name="component">The component charged.</param>
    public static FlopBreakdown Flops(VisionConfig vision, long images, CostComponent component) =>
        (FlopBreakdown)Declared(vision, typeof(IVisionCost), nameof(IVisionCost.Flops), vision, images, component);

    /// <summary>The vision block's parameters.</summary>
    /// <param name="vision">The vision sizes.</param>
    public static ParameterCounts Parameters(VisionConfig vision) =>
        (ParameterCounts)Declared(vision, typeof(IVisionCost), nameof(IVisionCost.Parameters), vision);

    /// <summary>A decoder layer's FLOPs, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">S.</param>
    /// <param name="keys">K.</param>
    public static FlopBreakdown LayerFlops(LanguageModelConfig llm, long batch, long queries, long keys) =>
        (FlopBreakdown)Declared(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.LayerFlops), llm, batch, queries, keys);

    /// <summary>The LM head's FLOPs, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    /// <param name="batch">B.</param>
    /// <param name="positions">Positions whose logits are computed.</param>
    public static FlopBreakdown HeadFlops(LanguageModelConfig llm, long batch, long positions) =>
        (FlopBreakdown)Declared(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.HeadFlops), llm, batch, positions);

    /// <summary>A decoder layer's parameters, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts LayerParameters(LanguageModelConfig llm) =>
        (ParameterCounts)Declared(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.LayerParameters), llm);

    /// <summary>The parameters outside the layers, as the language model's block declares them.</summary>
    /// <param name="llm">The LLM sizes.</param>
    public static ParameterCounts ShellParameters(LanguageModelConfig llm) =>
        (ParameterCounts)Declared(llm, typeof(ILanguageModelCost), nameof(ILanguageModelCost.ShellParameters), llm);

    /// <summary>
    /// The result of <paramref name="method"/> of the cost interface the block of <paramref name="record"/>'s kind
    /// implements (closed over the record's type when generic), or null when the block declares none.
    /// </summary>
    /// <param name="record">The kind's record (a <see cref="VisionConfig"/> for a vision block).</param>
    /// <param name="cost">The cost interface (open generic over the record, or not generic).</param>
    /// <param name="method">The interface's static method.</param>
    /// <param name="arguments">Its arguments.</param>
    internal static object? DeclaredOrNull(object record, Type cost, string method, params object[] arguments)
    {
        ArgumentNullException.ThrowIfNull(record);
        var block = Blocks.TypeOf(record.GetType(), Blocks.MemberOf(record));
        var closed = cost.IsGenericTypeDefinition ? cost.MakeGenericType(record.GetType()) : cost;
        if (block is null || !closed.IsAssignableFrom(block))
        {
            return null;
        }

        var map = block.GetInterfaceMap(closed);
        int index = Array.FindIndex(map.InterfaceMethods, m => m.Name == method);
        try
        {
            return map.TargetMethods[index].Invoke(null, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static object Declared(object record, Type cost, string method, params object[] arguments) =>
        DeclaredOrNull(record, cost, method, arguments)
        ?? throw new ArgumentException($"{Blocks.KindOf(record)}: its block {Blocks.TypeOf(record.GetType(), Blocks.MemberOf(record))?.Name ?? "(none)"} does not declare its cost ({cost.Name.Split('`')[0]})", nameof(record));
}
