using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Vocabulary;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>A field value read from YAML, with the nodes of its key and value.</summary>
    internal sealed class FieldValue
    {
        public FieldValue(FieldSpec spec, object value, YNode key, YNode node)
        {
            Spec = spec;
            Value = value;
            Key = key;
            Node = node;
        }

        public FieldSpec Spec { get; }

        public object Value { get; }

        public YNode Key { get; }

        public YNode Node { get; }
    }

    /// <summary>The fields read from one mapping; absent fields fall back to their typed defaults.</summary>
    internal sealed class FieldSet
    {
        private readonly Dictionary<string, FieldValue> values = new Dictionary<string, FieldValue>(StringComparer.Ordinal);

        public FieldSet(IReadOnlyList<FieldSpec> specs, YNode anchor)
        {
            Specs = specs;
            Anchor = anchor;
        }

        public static FieldSet Empty { get; } = new FieldSet(new FieldSpec[0], new YScalar(string.Empty, YScalarStyle.Plain, SourceSpan.FileStart));

        public IReadOnlyList<FieldSpec> Specs { get; }

        /// <summary>Where to report about the mapping as a whole (its key, or the mapping itself).</summary>
        public YNode Anchor { get; }

        public IEnumerable<FieldValue> Values => values.Values;

        public bool Has(string name) => values.ContainsKey(name);

        public FieldValue? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

        public void Set(FieldValue value) => values[value.Spec.Name] = value;

        /// <summary>Number of fields present but invalid (reported; they hold placeholders).</summary>
        public int InvalidCount { get; set; }

        /// <summary>The value node of <paramref name="name"/>, or null when absent.</summary>
        public YNode? NodeOf(string name) => Get(name)?.Node;

        public int Int(string name) => values.TryGetValue(name, out var v) ? (int)v.Value : Convert.ToInt32(DefaultOf(name), CultureInfo.InvariantCulture);

        public int? OptionalInt(string name) => values.TryGetValue(name, out var v) ? (int)v.Value : null;

        public double Number(string name) => values.TryGetValue(name, out var v) ? (double)v.Value : Convert.ToDouble(DefaultOf(name), CultureInfo.InvariantCulture);

        public bool Bool(string name) => values.TryGetValue(name, out var v) ? (bool)v.Value : (bool)DefaultOf(name)!;

        public string Str(string name) => values.TryGetValue(name, out var v) ? (string)v.Value : (string)DefaultOf(name)!;

        public IReadOnlyList<(string Value, YNode Node)>? StrList(string name) =>
            values.TryGetValue(name, out var v) ? (IReadOnlyList<(string, YNode)>)v.Value : null;

        public IReadOnlyList<(int Value, YNode Node)>? IntList(string name) =>
            values.TryGetValue(name, out var v) ? (IReadOnlyList<(int, YNode)>)v.Value : null;

        private object? DefaultOf(string name)
        {
            foreach (var spec in Specs)
            {
                if (spec.Name == name)
                {
                    return spec.DefaultValue;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Reads mappings through the vocabulary tables: unknown keys (with "did you mean"), duplicate keys,
    /// wrong types, out-of-range values, unknown enum values and missing required fields.
    /// </summary>
    internal static class FieldReader
    {
        private static readonly Regex IntegerPattern = new Regex(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex NumberPattern = new Regex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

        public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

        /// <summary>
        /// The pairs of a mapping with scalar keys, first occurrence only. Reports non-scalar keys (CLMZ0006)
        /// and repeated keys (CLMZ0008).
        /// </summary>
        public static List<(string Key, YNode KeyNode, YNode Value)> Pairs(YMapping map, string path, DiagnosticBag bag)
        {
            var result = new List<(string, YNode, YNode)>();
            var first = new Dictionary<string, YNode>(StringComparer.Ordinal);
            foreach (var pair in map.Pairs)
            {
                if (pair.Key is not YScalar scalar || scalar.IsNull)
                {
                    bag.Report(SpecMessages.KeyNotName(path, pair.Key), pair.Key);
                    continue;
                }

                if (first.TryGetValue(scalar.Value, out var earlier))
                {
                    bag.Report(SpecMessages.DuplicateKey(scalar.Value, path, earlier.Span.Line), scalar);
                    continue;
                }

                first[scalar.Value] = scalar;
                result.Add((scalar.Value, scalar, pair.Value));
            }

            return result;
        }

        /// <summary>
        /// Reads the fields of <paramref name="map"/>. Keys in <paramref name="handled"/> are left to the caller
        /// (and are not unknown). <paramref name="context"/> names the mapping in messages. <paramref name="unknownKey"/>
        /// may give the message for an unknown key (null: the plain <see cref="SpecMessages.UnknownKey"/>).
        /// </summary>
        public static FieldSet Read(
            YMapping map,
            string path,
            string context,
            IReadOnlyList<FieldSpec> specs,
            IReadOnlyCollection<string> handled,
            YNode anchor,
            DiagnosticBag bag,
            Func<string, SpecMessage?>? unknownKey = null)
        {
            var set = new FieldSet(specs, anchor);
            string[]? known = null;
            foreach (var (key, keyNode, value) in Pairs(map, path, bag))
            {
                var spec = Find(specs, key);
                if (spec is null)
                {
                    if (!handled.Contains(key))
                    {
                        known ??= specs.Select(s => s.Name).Concat(handled).ToArray();
                        bag.Report(unknownKey?.Invoke(key) ?? SpecMessages.UnknownKey(key, context, known), keyNode);
                    }

                    continue;
                }

                var parsed = ReadValue(spec, value, Join(path, key), bag);
                if (parsed is not null)
                {
                    set.Set(new FieldValue(spec, parsed, keyNode, value));
                }
                else
                {
                    // Present but invalid (already reported): a placeholder keeps "missing" quiet.
                    set.Set(new FieldValue(spec, Placeholder(spec), keyNode, value));
                    set.InvalidCount++;
                }
            }

            foreach (var spec in specs)
            {
                if (spec.Required && !set.Has(spec.Name))
                {
                    bag.Report(SpecMessages.MissingField(context, spec.Name), anchor);
                }
            }

            return set;
        }

        // A loop, not FirstOrDefault: a mapping of many unknown keys would allocate a closure per key.
        private static FieldSpec? Find(IReadOnlyList<FieldSpec> specs, string name)
        {
            for (int i = 0; i < specs.Count; i++)
            {
                if (specs[i].Name == name)
                {
                    return specs[i];
                }
            }

            return null;
        }

        /// <summary>Reads one value; reports and returns null when it is invalid.</summary>
        public static object? ReadValue(FieldSpec spec, YNode node, string path, DiagnosticBag bag)
        {
            switch (spec.Type)
            {
                case FieldType.Integer:
                    return ReadInt(spec, node, path, bag);
                case FieldType.Number:
                    return ReadNumber(spec, node, path, bag);
                case FieldType.Boolean:
                    if (node is YScalar b && b.HasType("!!bool") && (b.Value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE"))
                    {
                        return b.Value[0] is 't' or 'T';
                    }

                    bag.Report(SpecMessages.WrongType(path, "true or false", node), node);
                    return null;
                case FieldType.String:
                case FieldType.Identifier:
                    if (node is YScalar s && !s.IsNull && s.IsText)
                    {
                        return s.Value;
                    }

                    bag.Report(SpecMessages.WrongType(path, "a string", node), node);
                    return null;
                case FieldType.Enum:
                    return ReadEnum(spec, node, path, bag);
                case FieldType.IntegerList:
                case FieldType.EnumList:
                    return ReadList(spec, node, path, bag);
                default:
                    return null;
            }
        }

        /// <summary>Expects a mapping; reports CLMZ0006 otherwise (with <paramref name="kindShorthand"/>: a slot written as that kind alone).</summary>
        public static YMapping? ExpectMapping(YNode node, string path, DiagnosticBag bag, string? kindShorthand = null)
        {
            if (node is YMapping map)
            {
                return map;
            }

            bag.Report(kindShorthand is null ? SpecMessages.WrongType(path, "a mapping", node) : SpecMessages.SlotNotMapping(path, node, kindShorthand), node);
            return null;
        }

        /// <summary>Expects a list; reports CLMZ0006 otherwise.</summary>
        public static YSequence? ExpectSequence(YNode node, string path, DiagnosticBag bag)
        {
            if (node is YSequence seq)
            {
                return seq;
            }

            bag.Report(SpecMessages.WrongType(path, "a list", node), node);
            return null;
        }

        private static object Placeholder(FieldSpec spec) => spec.Type switch
        {
            FieldType.Integer => 1,
            FieldType.Number => 0.0,
            FieldType.Boolean => false,
            FieldType.IntegerList => new (int, YNode)[0],
            FieldType.EnumList => new (string, YNode)[0],
            _ => spec.DefaultValue as string ?? (spec.Values.Count > 0 ? spec.Values[0] : string.Empty),
        };

        private static object? ReadInt(FieldSpec spec, YNode node, string path, DiagnosticBag bag)
        {
            if (node is not YScalar s || !s.HasType("!!int") || !IntegerPattern.IsMatch(s.Value))
            {
                bag.Report(SpecMessages.WrongType(path, "an integer", node), node);
                return null;
            }

            if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            {
                bag.Report(SpecMessages.TooLarge(path, s.Value), node);
                return null;
            }

            if (spec.Min is long min && value < min)
            {
                bag.Report(SpecMessages.BelowMinimum(path, value, min), node);
                return null;
            }

            if (spec.Max is long max && value > max)
            {
                bag.Report(SpecMessages.AboveMaximum(path, value, max), node);
                return null;
            }

            return (int)value;
        }

        private static object? ReadNumber(FieldSpec spec, YNode node, string path, DiagnosticBag bag)
        {
            if (node is not YScalar s || !(s.HasType("!!float") || s.HasType("!!int")))
            {
                bag.Report(SpecMessages.WrongType(path, "a number", node), node);
                return null;
            }

            string text = s.Value;
            if (text is ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN")
            {
                bag.Report(SpecMessages.NotFinite(path, text), node);
                return null;
            }

            if (!NumberPattern.IsMatch(text) || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                bag.Report(SpecMessages.WrongType(path, "a number", node), node);
                return null;
            }

            if (double.IsInfinity(value) || double.IsNaN(value))
            {
                bag.Report(SpecMessages.NotFinite(path, text), node);
                return null;
            }

            bool low = spec.ExclusiveMin is double lo && !(value > lo);
            bool high = spec.ExclusiveMax is double hi && !(value < hi);
            if (low || high)
            {
                string relation = spec.ExclusiveMin is double a && spec.ExclusiveMax is double b
                    ? $"in ({ConfigRules.Format(a)}, {ConfigRules.Format(b)})"
                    : spec.ExclusiveMin is double c ? $"> {ConfigRules.Format(c)}" : $"< {ConfigRules.Format(spec.ExclusiveMax!.Value)}";
                bag.Report(SpecMessages.OutOfRange(path, value, relation), node);
                return null;
            }

            return value;
        }

        private static object? ReadEnum(FieldSpec spec, YNode node, string path, DiagnosticBag bag)
        {
            if (node is not YScalar s || s.IsNull || !s.IsText)
            {
                bag.Report(SpecMessages.WrongType(path, "one of " + Text.Join(spec.Values), node), node);
                return null;
            }

            if (!spec.Values.Contains(s.Value))
            {
                bag.Report(SpecMessages.UnknownValue(s.Value, path, spec.Values), node);
                return null;
            }

            return s.Value;
        }

        private static object? ReadList(FieldSpec spec, YNode node, string path, DiagnosticBag bag)
        {
            if (node is not YSequence seq)
            {
                bag.Report(SpecMessages.WrongType(path, "a list", node), node);
                return null;
            }

            if (spec.NonEmpty && seq.Items.Count == 0)
            {
                bag.Report(SpecMessages.EmptyList(path), node);
                return null;
            }

            return spec.Type == FieldType.IntegerList
                ? ReadItems<int>(seq, spec, FieldSpec.Int(spec.Name, spec.Description, spec.Min ?? long.MinValue, spec.Max ?? long.MaxValue), path, bag, ReadInt)
                : (object?)ReadItems<string>(seq, spec, FieldSpec.OneOf(spec.Name, spec.Description, spec.Values.ToArray()), path, bag, ReadEnum);
        }

        // Every item read by itemSpec; null when any item is invalid or (UniqueItems) listed twice.
        private static List<(T, YNode)>? ReadItems<T>(
            YSequence seq, FieldSpec spec, FieldSpec itemSpec, string path, DiagnosticBag bag, Func<FieldSpec, YNode, string, DiagnosticBag, object?> read)
        {
            bool ok = true;
            var items = new List<(T, YNode)>();
            for (int i = 0; i < seq.Items.Count; i++)
            {
                var item = seq.Items[i];
                if (read(itemSpec, item, $"{path}[{i}]", bag) is T value)
                {
                    if (spec.UniqueItems && items.Any(x => EqualityComparer<T>.Default.Equals(x.Item1, value)))
                    {
                        bag.Report(SpecMessages.ListedTwice(path, value!), item);
                        ok = false;
                        continue;
                    }

                    items.Add((value, item));
                }
                else
                {
                    ok = false;
                }
            }

            return ok ? items : null;
        }
    }
}
