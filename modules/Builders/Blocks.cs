using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace CrossLMM.Zoo.Modules;

/// <summary>
/// The blocks of this assembly by the kind they run, found by their <see cref="BlockForAttribute"/> only (no list of kinds,
/// no naming convention), and built through the description <see cref="BlockWiring"/> gives the source generator too: the
/// block's public constructor whose first parameter is the kind's record, every other parameter given the part of the
/// architecture <see cref="BlockWiring.ArgumentFor"/> names. The factories (<c>VisionFactory</c>, <c>CompressorFactory</c>,
/// <c>ProjectorFactory</c>, <see cref="VideoLmmBuilder.BuildLayer"/>) all build through here.
/// </summary>
public static class Blocks
{
    private static readonly IReadOnlyList<(BlockForAttribute For, Type Block)> Declared = typeof(VideoLmm).Assembly.GetTypes()
        .Select(t => (For: t.GetCustomAttribute<BlockForAttribute>(), Block: t))
        .Where(d => d.For is not null)
        .Select(d => (d.For!, d.Block))
        .ToArray();

    /// <summary>The block that runs the kind of <paramref name="record"/> (for a kind declared as an enum member, <paramref name="member"/>), or null when none declares it.</summary>
    /// <param name="record">The kind's record type (<see cref="VisionConfig"/> or <see cref="LanguageModelConfig"/> for an enum-member kind).</param>
    /// <param name="member">The <see cref="VisionKind"/> or <see cref="LanguageModelKind"/>, for those.</param>
    public static Type? TypeOf(Type record, Enum? member = null) =>
        Declared.FirstOrDefault(d => d.For.Record == record && Equals(d.For.Member, member)).Block;

    /// <summary>The enum member naming the kind of a <see cref="VisionConfig"/> or <see cref="LanguageModelConfig"/>; null for a record kind.</summary>
    /// <param name="record">A kind's record.</param>
    public static Enum? MemberOf(object record) => record switch
    {
        VisionConfig v => v.Kind,
        LanguageModelConfig l => l.Kind,
        _ => null,
    };

    /// <summary>The kind of <paramref name="record"/> as messages name it (<c>vision.kind vit</c>, <c>kind pool2d</c>).</summary>
    /// <param name="record">A kind's record.</param>
    public static string KindOf(object record) => record switch
    {
        VisionConfig v => "vision.kind " + YamlNames.Of(v.Kind),
        LanguageModelConfig l => "llm.kind " + YamlNames.Of(l.Kind),
        _ => "kind " + KindDeclaration.Of(record.GetType()).Name,
    };

    /// <summary>
    /// Builds the block of <paramref name="record"/>'s kind.
    /// </summary>
    /// <typeparam name="TBlock">The slot's block type (<see cref="Compressors.VisualCompressor"/>, ...).</typeparam>
    /// <param name="record">The kind's record (the <see cref="VisionConfig"/> for a vision block).</param>
    /// <param name="argument">The value of each further constructor parameter, by its <see cref="BlockWiring"/> name.</param>
    /// <exception cref="ArgumentException">No block declares the kind, or its constructor cannot be wired; or the block refuses the sizes.</exception>
    public static TBlock Create<TBlock>(object record, Func<string, object?> argument)
        where TBlock : class
    {
        ArgumentNullException.ThrowIfNull(record);
        string kind = KindOf(record);
        var block = TypeOf(record.GetType(), MemberOf(record))
            ?? throw new ArgumentException($"{kind} has no block: no type of {typeof(VideoLmm).Assembly.GetName().Name} is marked [BlockFor] for it", nameof(record));
        var constructor = block.GetConstructors().FirstOrDefault(c => c.GetParameters() is { Length: > 0 } p && p[0].ParameterType == record.GetType())
            ?? throw new ArgumentException($"{kind}: its block {block.Name} has no public constructor taking {record.GetType().Name} first", nameof(record));
        var arguments = constructor.GetParameters().Select((p, i) =>
        {
            string? wired = BlockWiring.ArgumentFor(i, p.ParameterType.FullName!, p.Name!);
            object? value = wired == BlockWiring.Record ? record : wired is null ? null : argument(wired);
            return value is null
                ? throw new ArgumentException($"{block.Name}: constructor parameter {p.Name} ({p.ParameterType.Name}) takes {wired ?? "nothing BlockWiring.ArgumentFor knows"}, which the builder does not give", nameof(record))
                : p.ParameterType.IsPrimitive ? Convert.ChangeType(value, p.ParameterType, CultureInfo.InvariantCulture) : value;
        }).ToArray();
        try
        {
            return constructor.Invoke(arguments) as TBlock
                ?? throw new ArgumentException($"{kind}: its block {block.Name} is not a {typeof(TBlock).Name}", nameof(record));
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
