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
    /// hundreds of thousands of problems, of which <c>zoo check</c> prints a hundred, formats a hundred
    /// (and the "did you mean" search runs a hundred times).
    /// </summary>
    /// <remarks>
    /// Format items, beyond invariant <see cref="string.Format(IFormatProvider, string, object[])"/>:
    /// <list type="bullet">
    /// <item><c>{0:q}</c> quotes a YAML value (<see cref="Text.Quote"/>: control characters escaped, cut at 60
    /// characters; <c>{0:q200}</c> cuts at 200).</item>
    /// <item><c>{2:hint0}</c>: argument 2 holds the valid names (an <see cref="IEnumerable{T}"/> of strings); the item
    /// reads <c>"; did you mean 'x'?"</c> for the name closest to argument 0 (<see cref="Suggest.Closest"/>), else
    /// <c>"; expected one of: a, b"</c>. <c>{2:closest0}</c> reads the first form or nothing.</item>
    /// <item>A <see cref="YNode"/> reads as <see cref="YNode.Describe"/>; a double round-trip (<see cref="ConfigRules.Format"/>).</item>
    /// </list>
    /// </remarks>
    internal readonly struct SpecMessage
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
        public override string ToString() => string.Format(new MessageFormat(args), format, args);

        private sealed class MessageFormat : IFormatProvider, ICustomFormatter
        {
            private readonly object?[] args;

            public MessageFormat(object?[] args)
            {
                this.args = args;
            }

            public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

            public string Format(string? format, object? arg, IFormatProvider? formatProvider)
            {
                if (format is not null && arg is IEnumerable<string> names)
                {
                    if (format.StartsWith("hint", StringComparison.Ordinal))
                    {
                        return Suggest.Hint(ValueAt(format, "hint"), Collection(names), listWhenNoneClose: true);
                    }

                    if (format.StartsWith("closest", StringComparison.Ordinal))
                    {
                        return Suggest.Hint(ValueAt(format, "closest"), Collection(names), listWhenNoneClose: false);
                    }
                }

                return arg switch
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

            private static IReadOnlyCollection<string> Collection(IEnumerable<string> names) => names as IReadOnlyCollection<string> ?? names.ToArray();

            // The argument whose index follows the format name: "hint0" -> args[0].
            private string ValueAt(string format, string name) => (string)args[int.Parse(format.Substring(name.Length), CultureInfo.InvariantCulture)]!;
        }
    }
}
