using System;
using System.Collections.Generic;
using System.Linq;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Spec.Vocabulary
{
    /// <summary>The YAML type of a field.</summary>
    public enum FieldType
    {
        /// <summary>A plain integer scalar.</summary>
        Integer,

        /// <summary>A plain real-number scalar (integers accepted).</summary>
        Number,

        /// <summary><c>true</c> or <c>false</c>.</summary>
        Boolean,

        /// <summary>Any scalar, read as text.</summary>
        String,

        /// <summary>A C# type name (see <see cref="Names.CheckTypeName"/>).</summary>
        Identifier,

        /// <summary>One of <see cref="FieldSpec.Values"/>.</summary>
        Enum,

        /// <summary>A list of plain integers.</summary>
        IntegerList,

        /// <summary>A list of values from <see cref="FieldSpec.Values"/>.</summary>
        EnumList,
    }

    /// <summary>
    /// One field of the spec vocabulary: its type, whether it is required, its default, its range and its
    /// documentation. The binder reads YAML through these tables, and the JSON Schema and the reference page
    /// are generated from them, so the three cannot drift apart.
    /// </summary>
    public sealed class FieldSpec
    {
        private FieldSpec(string name, FieldType type, string description)
        {
            Name = name;
            Type = type;
            Description = description;
        }

        /// <summary>The YAML key.</summary>
        public string Name { get; }

        /// <summary>The YAML type.</summary>
        public FieldType Type { get; }

        /// <summary>What the field means.</summary>
        public string Description { get; }

        /// <summary>Whether the field must be present.</summary>
        public bool Required { get; private set; }

        /// <summary>The default as the reference page shows it (YAML text or a formula such as <c>llm.heads</c>); null when required.</summary>
        public string? DefaultText { get; private set; }

        /// <summary>The typed default (long, double, bool, string or string[]), or null when it is computed or absent.</summary>
        public object? DefaultValue { get; private set; }

        /// <summary>Smallest allowed integer (for lists: per item).</summary>
        public long? Min { get; private set; }

        /// <summary>Largest allowed integer (for lists: per item).</summary>
        public long? Max { get; private set; }

        /// <summary>For numbers: the value must be greater than this.</summary>
        public double? ExclusiveMin { get; private set; }

        /// <summary>For numbers: the value must be less than this.</summary>
        public double? ExclusiveMax { get; private set; }

        /// <summary>The allowed values of an enum field.</summary>
        public IReadOnlyList<string> Values { get; private set; } = new string[0];

        /// <summary>Further constraints in words (checked by the binder, not by the schema), e.g. <c>≤ g</c>.</summary>
        public string? Constraint { get; private set; }

        /// <summary>Whether list items must be distinct.</summary>
        public bool UniqueItems { get; private set; }

        /// <summary>Whether a list must have at least one item.</summary>
        public bool NonEmpty { get; private set; }

        internal static FieldSpec Int(string name, string description, long min, long max) =>
            new FieldSpec(name, FieldType.Integer, description) { Min = min, Max = max };

        internal static FieldSpec Number(string name, string description, double? exclusiveMin = null, double? exclusiveMax = null) =>
            new FieldSpec(name, FieldType.Number, description) { ExclusiveMin = exclusiveMin, ExclusiveMax = exclusiveMax };

        internal static FieldSpec Bool(string name, string description) => new FieldSpec(name, FieldType.Boolean, description);

        internal static FieldSpec Str(string name, string description) => new FieldSpec(name, FieldType.String, description);

        internal static FieldSpec Ident(string name, string description) => new FieldSpec(name, FieldType.Identifier, description);

        internal static FieldSpec OneOf(string name, string description, params string[] values) =>
            new FieldSpec(name, FieldType.Enum, description) { Values = values };

        internal static FieldSpec IntList(string name, string description, long min, long max) =>
            new FieldSpec(name, FieldType.IntegerList, description) { Min = min, Max = max, UniqueItems = true, NonEmpty = true };

        internal static FieldSpec SetOf(string name, string description, params string[] values) =>
            new FieldSpec(name, FieldType.EnumList, description) { Values = values, UniqueItems = true, NonEmpty = true };

        /// <summary>The field a kind record declares on a constructor parameter (<see cref="FieldAttribute"/>).</summary>
        /// <param name="field">The declaration.</param>
        /// <exception cref="InvalidOperationException">A parameter type the spec language cannot spell.</exception>
        internal static FieldSpec From(FieldDeclaration field)
        {
            var a = field.Attribute;
            FieldSpec spec = field.Type == typeof(int) || field.Type == typeof(long) ? Int(field.Name, a.Description, a.Min, a.Max)
                : field.ElementType is not null && field.Values.Count > 0 ? SetOf(field.Name, a.Description, field.Values.ToArray())
                : field.Values.Count > 0 ? OneOf(field.Name, a.Description, field.Values.ToArray())
                : throw new InvalidOperationException($"{field.Parameter.Member.DeclaringType?.Name}: field {field.Name} has type {field.Type.Name}, which the spec language cannot read");
            if (a.Default is not null)
            {
                spec.Default(a.Default switch
                {
                    Enum e => YamlNames.OfAny(e),
                    Array items => items.Cast<Enum>().Select(YamlNames.OfAny).ToArray(),
                    var v => (object)Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
                }, field.DefaultText!);
            }
            else if (a.Computed is not null)
            {
                spec.Computed(a.Computed);
            }
            else
            {
                spec.Req();
            }

            return a.Where is null ? spec : spec.Where(a.Where);
        }

        internal FieldSpec Req()
        {
            Required = true;
            return this;
        }

        internal FieldSpec Default(object value, string text)
        {
            DefaultValue = value;
            DefaultText = text;
            return this;
        }

        internal FieldSpec Computed(string text)
        {
            DefaultText = text;
            return this;
        }

        internal FieldSpec Where(string constraint)
        {
            Constraint = constraint;
            return this;
        }

        internal FieldSpec Optional()
        {
            Required = false;
            return this;
        }

        /// <summary>A copy of this field that is optional (used for the override sections).</summary>
        internal FieldSpec AsOptional() => new FieldSpec(Name, Type, Description)
        {
            Required = false,
            Min = Min,
            Max = Max,
            ExclusiveMin = ExclusiveMin,
            ExclusiveMax = ExclusiveMax,
            Values = Values,
            Constraint = Constraint,
            UniqueItems = UniqueItems,
            NonEmpty = NonEmpty,
        };
    }

    /// <summary>One <c>kind:</c> of a slot, with its own fields and (for compressors) its token formula.</summary>
    public sealed class KindSpec
    {
        /// <summary>The kind as its record (or vision member) declares it.</summary>
        /// <param name="kind">The declaration.</param>
        internal KindSpec(KindDeclaration kind)
            : this(
                kind.Name,
                kind.Attribute.Summary,
                kind.Fields.Select(FieldSpec.From).ToArray(),
                kind.Attribute.Tokens,
                kind.Slot == "compressor" ? (kind.Attribute.Output == FeatureSpace.Vision ? "vision.hidden" : "resampler.hidden") : null)
        {
            Declaration = kind;
        }

        internal KindSpec(string name, string description, IReadOnlyList<FieldSpec> fields, string? tokens = null, string? output = null)
        {
            Name = name;
            Description = description;
            Fields = fields;
            Tokens = tokens;
            Output = output;
        }

        /// <summary>The <c>kind:</c> value.</summary>
        public string Name { get; }

        /// <summary>What the kind builds.</summary>
        public string Description { get; }

        /// <summary>The kind's own fields (besides <c>kind</c> and the slot's common fields).</summary>
        public IReadOnlyList<FieldSpec> Fields { get; }

        /// <summary>LLM-stream tokens for T frames (compressors), e.g. <c>T·grid²</c>.</summary>
        public string? Tokens { get; }

        /// <summary>Output width (compressors), e.g. <c>vision.hidden</c>.</summary>
        public string? Output { get; }

        /// <summary>The declaration this kind was read from (null for a kind without one, such as <c>llm: qwen2</c>).</summary>
        public KindDeclaration? Declaration { get; }
    }

    /// <summary>A slot of an architecture (vision, compressor, projector, llm, fusion entry): a mapping with a <c>kind:</c>.</summary>
    public sealed class SlotSpec
    {
        internal SlotSpec(string name, string description, IReadOnlyList<KindSpec> kinds, IReadOnlyList<FieldSpec>? common = null)
        {
            Name = name;
            Description = description;
            Kinds = kinds;
            CommonFields = common ?? new FieldSpec[0];
        }

        /// <summary>The key of the slot (<c>compressor</c>) or, for fusion, of its list.</summary>
        public string Name { get; }

        /// <summary>What the slot is for.</summary>
        public string Description { get; }

        /// <summary>The closed set of kinds.</summary>
        public IReadOnlyList<KindSpec> Kinds { get; }

        /// <summary>Fields every kind of the slot has.</summary>
        public IReadOnlyList<FieldSpec> CommonFields { get; }

        /// <summary>The kind named <paramref name="name"/>, or null.</summary>
        /// <param name="name">A <c>kind:</c> value.</param>
        public KindSpec? Find(string name)
        {
            foreach (var kind in Kinds)
            {
                if (kind.Name == name)
                {
                    return kind;
                }
            }

            return null;
        }
    }

    /// <summary>A plain section of fields (a preset's <c>vision</c>, <c>resampler</c>, <c>llm</c> sizes).</summary>
    public sealed class SectionSpec
    {
        internal SectionSpec(string name, string description, IReadOnlyList<FieldSpec> fields)
        {
            Name = name;
            Description = description;
            Fields = fields;
        }

        /// <summary>The section key.</summary>
        public string Name { get; }

        /// <summary>What the section sizes.</summary>
        public string Description { get; }

        /// <summary>Its fields.</summary>
        public IReadOnlyList<FieldSpec> Fields { get; }
    }
}
