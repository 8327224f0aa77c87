using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>
    /// Builds any kind's record from its YAML fields without a per-kind case (<see cref="KindDeclaration.Create"/>): each
    /// constructor parameter declared a field (<see cref="FieldAttribute"/>) reads the field of its name, an integer as an
    /// integer, an enum by its YAML name, an enum list item by item. The slot supplies the other parameters (a fusion
    /// entry's layers, gate and heads) and computed defaults (<c>mlp: llm.mlp</c>). So a kind's record and its fields are
    /// its whole binding, and the record's <c>Validate</c> is the one place of its sized rules.
    /// </summary>
    internal static class KindRecords
    {
        /// <summary>The record of <paramref name="kind"/> with the values of <paramref name="fields"/>.</summary>
        /// <param name="kind">The kind's declaration.</param>
        /// <param name="fields">The entry's fields as read (absent ones give their declared default).</param>
        /// <param name="ints">Reads an integer field (the compressor reads its overrides first); default: from <paramref name="fields"/>.</param>
        /// <param name="supplied">The value the slot gives a parameter itself, or null to read it from the fields.</param>
        public static object Create(KindDeclaration kind, FieldSet fields, Func<string, int>? ints = null, Func<ParameterInfo, object?>? supplied = null) =>
            kind.Create((parameter, field) => supplied?.Invoke(parameter) ?? Read(kind, parameter, field, fields, ints ?? fields.Int));

        /// <summary>
        /// The per-frame compressor kinds as their records say (<see cref="CompressorConfig.IsPerFrame"/>), for messages:
        /// <c>identity, pool2d, strided_pool2d, llama_vid, qformer/perceiver with per: frame</c>. Each kind is built at
        /// every value of its enum fields (integers at their default or minimum); a kind per-frame at only some values is
        /// listed with them.
        /// </summary>
        public static string PerFrameCompressors { get; } = DescribePerFrame();

        private static string DescribePerFrame()
        {
            var always = new List<string>();
            var when = new List<(string Condition, string Kind)>();
            foreach (var kind in KindDeclaration.Compressors)
            {
                var enums = kind.Fields.Where(f => f.ElementType is null && f.Values.Count > 0).ToArray();
                var settings = enums.Aggregate(
                    new[] { new Dictionary<string, string>() }.AsEnumerable(),
                    (sets, field) => sets.SelectMany(set => field.Values.Select(v => new Dictionary<string, string>(set) { [field.Name] = v })))
                    .ToArray();
                var perFrame = settings.Where(set => ((CompressorConfig)kind.Create((p, f) =>
                        f is null ? throw new InvalidOperationException($"{kind.Name}: parameter {p.Name} is not a field")
                        : set.TryGetValue(f.Name, out var value) ? YamlNames.Parse(f.Type, value)
                        : (object)(f.Attribute.Default is int d ? d : (int)f.Attribute.Min))).IsPerFrame)
                    .ToArray();
                if (perFrame.Length == settings.Length)
                {
                    always.Add(kind.Name);
                }
                else
                {
                    when.AddRange(perFrame.Select(set => (string.Join(", ", set.Select(e => e.Key + ": " + e.Value)), kind.Name)));
                }
            }

            return string.Join(", ", always.Concat(when.GroupBy(w => w.Condition).Select(g => string.Join("/", g.Select(w => w.Kind)) + " with " + g.Key)));
        }

        private static object Read(KindDeclaration kind, ParameterInfo parameter, FieldDeclaration? field, FieldSet fields, Func<string, int> ints)
        {
            if (field is null)
            {
                throw new InvalidOperationException($"{kind.Record?.Name}: parameter {parameter.Name} is neither a declared field ([Field]) nor given by the {kind.Slot} slot");
            }

            if (field.Type == typeof(int))
            {
                return ints(field.Name);
            }

            if (field.Type.GetTypeInfo().IsEnum)
            {
                return YamlNames.Parse(field.Type, fields.Str(field.Name));
            }

            if (field.ElementType is Type element && element.GetTypeInfo().IsEnum)
            {
                var names = fields.StrList(field.Name)?.Select(v => v.Value).ToArray() ?? ((Array)field.Attribute.Default!).Cast<Enum>().Select(YamlNames.OfAny).ToArray();
                var items = Array.CreateInstance(element, names.Length);
                for (int i = 0; i < names.Length; i++)
                {
                    items.SetValue(YamlNames.Parse(element, names[i]), i);
                }

                return Activator.CreateInstance(field.Type, items)!;
            }

            throw new InvalidOperationException($"{kind.Record?.Name}: field {field.Name} has type {field.Type.Name}, which the binder cannot read from YAML");
        }
    }
}
