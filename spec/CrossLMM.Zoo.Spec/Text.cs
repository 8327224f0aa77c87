using System.Globalization;
using System.Text;

namespace CrossLMM.Zoo.Spec
{
    /// <summary>Small text helpers for messages.</summary>
    internal static class Text
    {
        /// <summary>
        /// A YAML value made safe and short for a message: control and format characters become
        /// <c>\uXXXX</c>, and more than 60 characters are cut with '…'.
        /// </summary>
        public static string Quote(string value, int maxLength = 60)
        {
            var sb = new StringBuilder();
            foreach (char c in value)
            {
                if (sb.Length >= maxLength)
                {
                    sb.Append('…');
                    break;
                }

                var category = char.GetUnicodeCategory(c);
                if (char.IsControl(c) || category == UnicodeCategory.Format || category == UnicodeCategory.LineSeparator
                    || category == UnicodeCategory.ParagraphSeparator || category == UnicodeCategory.Surrogate)
                {
                    sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    sb.Append(c);
                }
            }

            return sb.ToString();
        }

        public static string Join(System.Collections.Generic.IEnumerable<string> items) => string.Join(", ", items);
    }
}
