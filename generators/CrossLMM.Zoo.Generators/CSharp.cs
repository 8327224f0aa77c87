using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CrossLMM.Zoo.Generators
{
    /// <summary>
    /// The only ways text from YAML reaches generated C#: as an escaped string literal, as escaped XML doc
    /// text, or as an identifier that passed validation. Literals are pure ASCII (everything else becomes
    /// <c>\uXXXX</c>), so no quote, newline, directive or bidirectional control can survive into code.
    /// </summary>
    internal static class CSharp
    {
        private static readonly Regex IdentifierPattern = new Regex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

        /// <summary>A C# string literal with the exact value of <paramref name="value"/>.</summary>
        public static string Literal(string value)
        {
            var sb = new StringBuilder(value.Length + 2);
            sb.Append('"');
            foreach (char c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20 || c > 0x7E)
                        {
                            sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            return sb.Append('"').ToString();
        }

        /// <summary>
        /// Text for an XML doc comment line: XML-escaped, and every character that could end the comment
        /// line (line breaks, U+2028/2029, U+0085) or hide code (control, format/bidi, lone surrogates)
        /// replaced by a space.
        /// </summary>
        public static string DocText(string value)
        {
            var sb = new StringBuilder(value.Length);
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    sb.Append(c).Append(value[i + 1]);
                    i++;
                    continue;
                }

                var category = char.GetUnicodeCategory(c);
                if (char.IsControl(c) || char.IsSurrogate(c) || category == UnicodeCategory.Format
                    || category == UnicodeCategory.LineSeparator || category == UnicodeCategory.ParagraphSeparator)
                {
                    sb.Append(' ');
                    continue;
                }

                switch (c)
                {
                    case '&': sb.Append("&amp;"); break;
                    case '<': sb.Append("&lt;"); break;
                    case '>': sb.Append("&gt;"); break;
                    default: sb.Append(c); break;
                }
            }

            return sb.ToString().Trim();
        }

        /// <summary>Returns <paramref name="name"/> if it is a plain ASCII identifier; throws otherwise (a bug: the core validates first).</summary>
        public static string Identifier(string name)
        {
            if (!IdentifierPattern.IsMatch(name))
            {
                throw new InvalidOperationException($"refusing to emit '{name}' as an identifier");
            }

            return name;
        }

        /// <summary>A double literal that round-trips (<c>1E-06d</c>, <c>10000d</c>).</summary>
        public static string Double(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
            {
                throw new InvalidOperationException($"refusing to emit the non-finite number {value}");
            }

            return value.ToString("R", CultureInfo.InvariantCulture) + "d";
        }

        /// <summary>An int literal.</summary>
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A bool literal.</summary>
        public static string Bool(bool value) => value ? "true" : "false";
    }
}
