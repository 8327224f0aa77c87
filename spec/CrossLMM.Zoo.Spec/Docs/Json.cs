using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace CrossLMM.Zoo.Spec.Docs
{
    /// <summary>A minimal ordered JSON object model and writer (netstandard2.0 has no System.Text.Json), deterministic by construction.</summary>
    internal sealed class JsonObject
    {
        private readonly List<KeyValuePair<string, object>> members = new List<KeyValuePair<string, object>>();

        public JsonObject Add(string key, object? value)
        {
            if (value is not null)
            {
                members.Add(new KeyValuePair<string, object>(key, value));
            }

            return this;
        }

        public static string Write(object value)
        {
            var sb = new StringBuilder();
            WriteValue(sb, value, 0);
            return sb.Append('\n').ToString();
        }

        private static void WriteValue(StringBuilder sb, object value, int indent)
        {
            switch (value)
            {
                case JsonObject o:
                    if (o.members.Count == 0)
                    {
                        sb.Append("{}");
                        return;
                    }

                    sb.Append("{\n");
                    for (int i = 0; i < o.members.Count; i++)
                    {
                        sb.Append(' ', (indent + 1) * 2);
                        WriteString(sb, o.members[i].Key);
                        sb.Append(": ");
                        WriteValue(sb, o.members[i].Value, indent + 1);
                        sb.Append(i + 1 < o.members.Count ? ",\n" : "\n");
                    }

                    sb.Append(' ', indent * 2).Append('}');
                    return;
                case string s:
                    WriteString(sb, s);
                    return;
                case bool b:
                    sb.Append(b ? "true" : "false");
                    return;
                case int i32:
                    sb.Append(i32.ToString(CultureInfo.InvariantCulture));
                    return;
                case long i64:
                    sb.Append(i64.ToString(CultureInfo.InvariantCulture));
                    return;
                case double d:
                    sb.Append(d == System.Math.Floor(d) && System.Math.Abs(d) < 1e15 ? ((long)d).ToString(CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture));
                    return;
                case System.Collections.IEnumerable list:
                    {
                        var items = new List<object>();
                        foreach (var item in list)
                        {
                            items.Add(item);
                        }

                        bool simple = items.TrueForAll(x => x is string or int or long or double or bool);
                        if (items.Count == 0)
                        {
                            sb.Append("[]");
                            return;
                        }

                        if (simple)
                        {
                            sb.Append('[');
                            for (int i = 0; i < items.Count; i++)
                            {
                                if (i > 0)
                                {
                                    sb.Append(", ");
                                }

                                WriteValue(sb, items[i], indent);
                            }

                            sb.Append(']');
                            return;
                        }

                        sb.Append("[\n");
                        for (int i = 0; i < items.Count; i++)
                        {
                            sb.Append(' ', (indent + 1) * 2);
                            WriteValue(sb, items[i], indent + 1);
                            sb.Append(i + 1 < items.Count ? ",\n" : "\n");
                        }

                        sb.Append(' ', indent * 2).Append(']');
                        return;
                    }

                default:
                    WriteString(sb, value.ToString() ?? string.Empty);
                    return;
            }
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            sb.Append('"');
        }
    }
}
