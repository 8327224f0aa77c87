using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// Declares a kind of a slot: on a config record (a compressor, projector or fusion kind:
    /// <c>[Kind("pool2d", "Adaptive 2D average pooling …", Tokens = "T·grid²")]</c>) or on a member of
    /// <see cref="VisionKind"/> or <see cref="LanguageModelKind"/> (a kind with no fields of its own). The record's constructor parameters that carry a
    /// <see cref="FieldAttribute"/> are the kind's YAML fields. This attribute and those are the whole declaration:
    /// the vocabulary, the binder, the docs and the JSON Schemas read it (<see cref="KindDeclaration"/>), and the block
    /// that runs it names the record in its <see cref="BlockForAttribute"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Field, Inherited = false)]
    public sealed class KindAttribute : Attribute
    {
        /// <summary>Declares the kind.</summary>
        /// <param name="name">The <c>kind:</c> value.</param>
        /// <param name="summary">One or two sentences for the docs and the schemas.</param>
        public KindAttribute(string name, string summary)
        {
            Name = name;
            Summary = summary;
        }

        /// <summary>The <c>kind:</c> value.</summary>
        public string Name { get; }

        /// <summary>What the kind does, for the docs and the schemas.</summary>
        public string Summary { get; }

        /// <summary>A compressor's token-count formula in symbols (T = frames, g = patch grid side), as the docs show it.</summary>
        public string? Tokens { get; set; }

        /// <summary>A compressor's output feature space, which decides the width of its tokens.</summary>
        public FeatureSpace Output { get; set; }
    }

    /// <summary>
    /// Declares a constructor parameter of a kind record as a YAML field of the kind: the field is the parameter's
    /// name in snake case (<c>CrossEvery</c> → <c>cross_every</c>), its type the parameter's (an integer, or an enum
    /// whose YAML names are the allowed values), and it is required unless it has a <see cref="Default"/> or a
    /// <see cref="Computed"/> default.
    /// </summary>
    [AttributeUsage(AttributeTargets.Parameter)]
    public sealed class FieldAttribute : Attribute
    {
        /// <summary>Declares the field.</summary>
        /// <param name="description">What the field sets, for the docs and the schemas.</param>
        public FieldAttribute(string description)
        {
            Description = description;
        }

        /// <summary>What the field sets.</summary>
        public string Description { get; }

        /// <summary>Smallest integer value (integers only).</summary>
        public long Min { get; set; } = 1;

        /// <summary>Largest integer value (integers only).</summary>
        public long Max { get; set; } = int.MaxValue;

        /// <summary>The default: an <c>int</c>, an enum member, or an array of enum members; null for a required field.</summary>
        public object? Default { get; set; }

        /// <summary>A default computed from other sections, as the docs show it (<c>llm.mlp</c>); the binder supplies its value.</summary>
        public string? Computed { get; set; }

        /// <summary>A rule beyond the range, as the docs show it (<c>≤ g</c>), checked by the record's <c>Validate</c>.</summary>
        public string? Where { get; set; }
    }

    /// <summary>
    /// Marks a block (in CrossLMM.Zoo.Modules) as the one that runs a kind: <c>[BlockFor(typeof(Pool2dCompressorConfig))]</c>,
    /// or <c>[BlockFor(VisionKind.Vit)]</c> / <c>[BlockFor(LanguageModelKind.Qwen2)]</c> for a kind declared as an enum member. The runtime builder and the source generator find blocks by
    /// this attribute only, and call the block's public constructor whose first parameter is the record (the
    /// <see cref="VisionConfig"/> for a vision kind); its other parameters are wired by <see cref="BlockWiring.ArgumentFor"/>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false)]
    public sealed class BlockForAttribute : Attribute
    {
        /// <summary>The block of a record kind (compressor, projector, fusion).</summary>
        /// <param name="record">The kind's config record.</param>
        public BlockForAttribute(Type record)
        {
            Record = record;
        }

        /// <summary>The block of a vision kind.</summary>
        /// <param name="vision">The vision kind.</param>
        public BlockForAttribute(VisionKind vision)
        {
            Record = typeof(VisionConfig);
            Member = vision;
        }

        /// <summary>The block of a language model kind.</summary>
        /// <param name="llm">The language model kind.</param>
        public BlockForAttribute(LanguageModelKind llm)
        {
            Record = typeof(LanguageModelConfig);
            Member = llm;
        }

        /// <summary>The record the block runs (<see cref="VisionConfig"/> or <see cref="LanguageModelConfig"/> for a kind declared as an enum member).</summary>
        public Type Record { get; }

        /// <summary>The enum member of a vision or language model kind; null for a record kind.</summary>
        public Enum? Member { get; }
    }

    /// <summary>One YAML field of a kind, read from its record's constructor parameter (<see cref="FieldAttribute"/>).</summary>
    public sealed class FieldDeclaration
    {
        internal FieldDeclaration(ParameterInfo parameter, FieldAttribute field)
        {
            Parameter = parameter;
            Attribute = field;
            Name = YamlNames.SnakeCase(parameter.Name!);
            var type = parameter.ParameterType;
            ElementType = type.GetTypeInfo().IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>)
                ? type.GenericTypeArguments[0]
                : null;
            var named = ElementType ?? type;
            Values = named.GetTypeInfo().IsEnum ? YamlNames.All(named) : new string[0];
        }

        /// <summary>The record's constructor parameter.</summary>
        public ParameterInfo Parameter { get; }

        /// <summary>The declaration on the parameter.</summary>
        public FieldAttribute Attribute { get; }

        /// <summary>The YAML name (snake case of the parameter).</summary>
        public string Name { get; }

        /// <summary>The CLR type of the value.</summary>
        public Type Type => Parameter.ParameterType;

        /// <summary>The item type of a list field (<see cref="EquatableArray{T}"/>), or null.</summary>
        public Type? ElementType { get; }

        /// <summary>The allowed values of an enum field (or of the items of an enum list), in declaration order; empty otherwise.</summary>
        public IReadOnlyList<string> Values { get; }

        /// <summary>Whether the field must be written (no default, no computed default).</summary>
        public bool Required => Attribute.Default is null && Attribute.Computed is null;

        /// <summary>The default as YAML text (<c>32</c>, <c>frame</c>, <c>[v2v, t2v]</c>), or null.</summary>
        public string? DefaultText => Attribute.Default switch
        {
            null => Attribute.Computed,
            Enum e => YamlNames.OfAny(e),
            Array items => "[" + string.Join(", ", items.Cast<Enum>().Select(YamlNames.OfAny)) + "]",
            var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// One kind as its declaration states it (<see cref="KindAttribute"/> on a record or a vision member, and the
    /// <see cref="FieldAttribute"/>s of the record's constructor), discovered by reflection over this assembly, so no
    /// list of kinds is kept anywhere: <see cref="Compressors"/>, <see cref="Projectors"/>, <see cref="Fusions"/>,
    /// <see cref="Visions"/>, <see cref="Llms"/>.
    /// </summary>
    public sealed class KindDeclaration
    {
        private KindDeclaration(string slot, KindAttribute kind, Type? record, Enum? member)
        {
            Slot = slot;
            Attribute = kind;
            Record = record;
            Member = member;
            Constructor = record?.GetTypeInfo().DeclaredConstructors.Single(c => c.IsPublic && !c.IsStatic);
            Fields = Constructor is null
                ? new FieldDeclaration[0]
                : Constructor.GetParameters()
                    .Select(p => p.GetCustomAttribute<FieldAttribute>() is FieldAttribute f ? new FieldDeclaration(p, f) : null)
                    .Where(f => f is not null)
                    .Select(f => f!)
                    .ToArray();
        }

        /// <summary>The compressor kinds, in declaration order.</summary>
        public static IReadOnlyList<KindDeclaration> Compressors { get; } = OfRecords("compressor", typeof(CompressorConfig));

        /// <summary>The projector kinds, in declaration order.</summary>
        public static IReadOnlyList<KindDeclaration> Projectors { get; } = OfRecords("projector", typeof(ProjectorConfig));

        /// <summary>The fusion kinds, in declaration order.</summary>
        public static IReadOnlyList<KindDeclaration> Fusions { get; } = OfRecords("fusion", typeof(FusionConfig));

        /// <summary>The vision kinds (members of <see cref="VisionKind"/>), in declaration order.</summary>
        public static IReadOnlyList<KindDeclaration> Visions { get; } = OfMembers("vision", typeof(VisionKind));

        /// <summary>The language model kinds (members of <see cref="LanguageModelKind"/>), in declaration order.</summary>
        public static IReadOnlyList<KindDeclaration> Llms { get; } = OfMembers("llm", typeof(LanguageModelKind));

        // The record kinds by record type (initialised after the lists above).
        private static readonly Dictionary<Type, KindDeclaration> ByRecord =
            Compressors.Concat(Projectors).Concat(Fusions).ToDictionary(k => k.Record!);

        /// <summary>The slot: <c>vision</c>, <c>compressor</c>, <c>projector</c> or <c>fusion</c>.</summary>
        public string Slot { get; }

        /// <summary>The declaration.</summary>
        public KindAttribute Attribute { get; }

        /// <summary>The <c>kind:</c> value.</summary>
        public string Name => Attribute.Name;

        /// <summary>The config record (null for a vision kind).</summary>
        public Type? Record { get; }

        /// <summary>The enum member of a vision or language model kind (null for a record kind).</summary>
        public Enum? Member { get; }

        /// <summary>The record's public constructor, the one the binder calls (null for a vision kind).</summary>
        public ConstructorInfo? Constructor { get; }

        /// <summary>The kind's own YAML fields, in constructor order.</summary>
        public IReadOnlyList<FieldDeclaration> Fields { get; }

        /// <summary>The declaration of a record type.</summary>
        /// <param name="record">A kind record.</param>
        /// <exception cref="InvalidOperationException">The record declares no kind.</exception>
        public static KindDeclaration Of(Type record) =>
            ByRecord.TryGetValue(record, out var kind)
                ? kind
                : throw new InvalidOperationException($"{record.FullName} declares no kind: add [Kind(\"name\", \"summary\")] to it");

        /// <summary>
        /// Builds the record with one value per constructor parameter: <paramref name="value"/> is given the parameter and,
        /// for a declared field, its declaration (null for a parameter the slot supplies itself, such as a fusion entry's layers).
        /// </summary>
        /// <param name="value">The value of a parameter.</param>
        public object Create(Func<ParameterInfo, FieldDeclaration?, object> value)
        {
            var constructor = Constructor ?? throw new InvalidOperationException($"{Slot} kind {Name} has no record");
            var arguments = constructor.GetParameters().Select(p => value(p, Fields.FirstOrDefault(f => f.Parameter == p))).ToArray();
            try
            {
                return constructor.Invoke(arguments);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }

        private static IReadOnlyList<KindDeclaration> OfRecords(string slot, Type baseType) =>
            baseType.GetTypeInfo().Assembly.DefinedTypes
                .Where(t => !t.IsAbstract && baseType.GetTypeInfo().IsAssignableFrom(t))
                .Select(t => new KindDeclaration(slot, t.GetCustomAttribute<KindAttribute>() ?? throw Undeclared(t.FullName!), t.AsType(), null))
                .ToArray();

        // Kinds without fields of their own (their sizes come from the preset), declared on the members of their enum.
        private static IReadOnlyList<KindDeclaration> OfMembers(string slot, Type kinds) =>
            kinds.GetTypeInfo().DeclaredFields
                .Where(f => f.IsStatic)
                .Select(f => new KindDeclaration(slot, f.GetCustomAttribute<KindAttribute>() ?? throw Undeclared(kinds.Name + "." + f.Name), null, (Enum)f.GetValue(null)!))
                .ToArray();

        private static InvalidOperationException Undeclared(string what) =>
            new InvalidOperationException($"{what} declares no kind: add [Kind(\"name\", \"summary\")] to it");
    }
}
