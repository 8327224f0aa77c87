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
        public YScalar(string value, YScalarStyle style, SourceSpan span)
            : base(span)
        {
            Value = value;
            Style = style;
        }

        public string Value { get; }

        public YScalarStyle Style { get; }

        public bool IsPlain => Style == YScalarStyle.Plain;

        /// <summary>A plain <c>~</c>, <c>null</c> or empty value (YAML 1.2 core schema null).</summary>
        public bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");

        public override string Describe()
        {
            if (IsNull)
            {
                return Value.Length == 0 ? "an empty value" : "null";
            }

            return IsPlain ? "'" + Text.Quote(Value) + "'" : "the quoted string \"" + Text.Quote(Value) + "\"";
        }

        public override YNode At(SourceSpan span) => new YScalar(Value, Style, span);
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
