using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>
    /// A diagnostic message before it is text: the descriptor of its ID, a composite format from the catalogue
    /// (<see cref="SpecMessages"/>) and the values. The text is built when it is first read, so a file with
    /// hundreds of thousands of problems, of which <c>zoo check</c> prints a hundred, formats a hundred.
    /// </summary>
    /// <remarks>
    /// Format items: <c>{0:q}</c> quotes a YAML value (<see cref="Text.Quote"/>: control characters escaped,
    /// cut at 60 characters; <c>{0:q200}</c> at 200); a <see cref="YNode"/> reads as <see cref="YNode.Describe"/>;
    /// a double reads round-trip (<see cref="ConfigRules.Format"/>); anything else is invariant.
    /// </remarks>
    internal sealed class SpecMessage
    {
        private readonly string format;
        private readonly object?[] args;

        public SpecMessage(SpecDiagnosticDescriptor descriptor, string format, params object?[] args)
        {
            Descriptor = descriptor;
            this.format = format;
            this.args = args;
        }

        public SpecDiagnosticDescriptor Descriptor { get; }

        public string Id => Descriptor.Id;

        /// <summary>The message text.</summary>
        public override string ToString() => string.Format(MessageFormat.Instance, format, args);

        private sealed class MessageFormat : IFormatProvider, ICustomFormatter
        {
            public static readonly MessageFormat Instance = new MessageFormat();

            public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

            public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg switch
            {
                null => string.Empty,
                string s when format is not null && format.StartsWith("q", StringComparison.Ordinal) =>
                    Text.Quote(s, format.Length == 1 ? 60 : int.Parse(format.Substring(1), CultureInfo.InvariantCulture)),
                YNode node => node.Describe(),
                double d => ConfigRules.Format(d),
                IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
                _ => arg.ToString() ?? string.Empty,
            };
        }
    }

    /// <summary>
    /// The tail of a message about a name that was not found, computed only when the message is read:
    /// <c>"; did you mean 'x'?"</c> when a candidate is close (<see cref="Suggest.Closest"/>), else
    /// <c>"; expected one of: a, b"</c> (or nothing, when <see cref="ListWhenNoneClose"/> is false), after a note.
    /// </summary>
    internal sealed class DidYouMean
    {
        public DidYouMean(string value, IEnumerable<string> candidates, string note = "", bool listWhenNoneClose = true)
        {
            Value = value;
            Candidates = candidates;
            Note = note;
            ListWhenNoneClose = listWhenNoneClose;
        }

        public string Value { get; }

        /// <summary>The valid names; enumerated only when the message is read.</summary>
        public IEnumerable<string> Candidates { get; }

        /// <summary>Text before the suggestion, e.g. <c>" (overrides may set the pool2d size fields: grid)"</c>.</summary>
        public string Note { get; }

        public bool ListWhenNoneClose { get; }

        public override string ToString() => Note + Suggest.Hint(Value, Candidates as IReadOnlyCollection<string> ?? Candidates.ToArray(), ListWhenNoneClose);
    }
}
