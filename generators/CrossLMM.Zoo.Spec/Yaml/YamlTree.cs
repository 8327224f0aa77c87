using System.Collections.Generic;

namespace CrossLMM.Zoo.Spec.Yaml
{
    /// <summary>A node of the YAML tree with its location. Aliases are resolved to the anchored node (shared, not copied).</summary>
    internal abstract class YNode
    {
        protected YNode(SourceSpan span)
        {
            Span = span;
        }

        public SourceSpan Span { get; }

        /// <summary>How the node reads in a message: <c>'abc'</c>, <c>null</c>, <c>a list</c>, <c>a mapping</c>.</summary>
        public abstract string Describe();

        /// <summary>The same content located at <paramref name="span"/> (used for alias uses).</summary>
        public abstract YNode At(SourceSpan span);
    }

    internal enum YScalarStyle
    {
        Plain,
        Quoted,
        Block,
    }

    internal sealed class YScalar : YNode
    {
        public YScalar(string value, YScalarStyle style, SourceSpan span, string? tag = null)
            : base(span)
        {
            Value = value;
            Style = style;
            Tag = tag;
        }

        public string Value { get; }

        public YScalarStyle Style { get; }

        /// <summary>The explicit tag (<c>!!str</c>, <c>!!int</c>, <c>!custom</c>), or null for an untagged scalar.</summary>
        public string? Tag { get; }

        /// <summary>Plain and untagged: the only form whose type the core schema resolves from the text (<c>3</c> is an integer, <c>!!str 3</c> is not).</summary>
        public bool IsPlain => Style == YScalarStyle.Plain && Tag is null;

        /// <summary>A plain <c>~</c>, <c>null</c> or empty value (YAML 1.2 core schema null).</summary>
        /// <summary>
        /// Whether the scalar has the core-schema type <paramref name="tag"/> (<c>!!int</c>, <c>!!float</c>, <c>!!bool</c>):
        /// tagged with it explicitly, or plain and untagged (then the text decides).
        /// </summary>
        public bool HasType(string tag) => Tag is null ? Style == YScalarStyle.Plain : Tag == tag;

        /// <summary>Whether the scalar may be read as text: untagged, or tagged <c>!!str</c> or <c>!</c> (non-specific).</summary>
        public bool IsText => Tag is null or "!!str" or "!";

        public bool IsNull => (Tag == "!!null" || IsPlain) && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

        public override string Describe()
        {
            if (IsNull)
            {
                return Value.Length == 0 ? "an empty value" : "null";
            }

            if (Tag is not null)
            {
                return $"'{Text.Quote(Value)}' tagged {Text.Quote(Tag)}";
            }

            return IsPlain ? "'" + Text.Quote(Value) + "'" : "the quoted string \"" + Text.Quote(Value) + "\"";
        }

        public override YNode At(SourceSpan span) => new YScalar(Value, Style, span, Tag);
    }

    internal sealed class YSequence : YNode
    {
        public YSequence(IReadOnlyList<YNode> items, SourceSpan span)
            : base(span)
        {
            Items = items;
        }

        public IReadOnlyList<YNode> Items { get; }

        public override string Describe() => "a list";

        public override YNode At(SourceSpan span) => new YSequence(Items, span);
    }

    internal sealed class YMapping : YNode
    {
        public YMapping(IReadOnlyList<KeyValuePair<YNode, YNode>> pairs, SourceSpan span)
            : base(span)
        {
            Pairs = pairs;
        }

        /// <summary>All pairs in document order, duplicates included (reported by the readers).</summary>
        public IReadOnlyList<KeyValuePair<YNode, YNode>> Pairs { get; }

        public override string Describe() => "a mapping";

        public override YNode At(SourceSpan span) => new YMapping(Pairs, span);
    }
}
