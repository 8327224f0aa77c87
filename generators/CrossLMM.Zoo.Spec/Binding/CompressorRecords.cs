using System;
using System.Linq;
using System.Reflection;
using System.Text;
using CrossLMM.Zoo.Configs;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>
    /// Builds a compressor kind's record from its YAML fields without a per-kind case: each parameter of the record's
    /// constructor reads the field of the same name in snake case (<c>CrossEvery</c> ← <c>cross_every</c>), an
    /// <c>int</c> as an integer and a <see cref="Granularity"/> by its YAML name. The vocabulary
    /// (<c>SpecVocabulary.Compressor</c>) declares those fields, so the record and its fields are the kind's whole
    /// binding; the record's <see cref="CompressorConfig.Validate"/> is the one place of its sized rules.
    /// </summary>
    internal static class CompressorRecords
    {
        /// <summary>The record of <paramref name="kind"/> with the values the two readers give.</summary>
        /// <param name="kind">The kind.</param>
        /// <param name="ints">Reads an integer field by YAML name.</param>
        /// <param name="strings">Reads an enum field by YAML name.</param>
        public static CompressorConfig Create(CompressorKind kind, Func<string, int> ints, Func<string, string> strings)
        {
            var type = BlockWiring.CompressorRecordType(kind);
            var constructor = type.GetTypeInfo().DeclaredConstructors.Single(c => c.IsPublic && !c.IsStatic);
            var arguments = constructor.GetParameters().Select(p => Value(kind, p, ints, strings)).ToArray();
            return (CompressorConfig)constructor.Invoke(arguments);
        }

        /// <summary>The YAML field of a record parameter: <c>SegmentFrames</c> → <c>segment_frames</c>.</summary>
        /// <param name="parameter">The parameter name.</param>
        public static string FieldName(string parameter)
        {
            var text = new StringBuilder();
            for (int i = 0; i < parameter.Length; i++)
            {
                char c = parameter[i];
                if (char.IsUpper(c) && i > 0)
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }

            return text.ToString();
        }

        /// <summary>The field a rule message of <see cref="CompressorConfig.Validate"/> is about (<c>"compressor.grid (5) …"</c> → <c>grid</c>), or null.</summary>
        /// <param name="problem">The message.</param>
        public static string? FieldOf(string problem)
        {
            const string prefix = "compressor.";
            int end = problem.IndexOf(' ');
            return problem.StartsWith(prefix, StringComparison.Ordinal) && end > prefix.Length ? problem.Substring(prefix.Length, end - prefix.Length) : null;
        }

        private static object Value(CompressorKind kind, ParameterInfo parameter, Func<string, int> ints, Func<string, string> strings)
        {
            string field = FieldName(parameter.Name!);
            if (parameter.ParameterType == typeof(int))
            {
                return ints(field);
            }

            if (parameter.ParameterType == typeof(Granularity))
            {
                return EnumNames.Per(strings(field));
            }

            throw new InvalidOperationException($"{BlockWiring.CompressorRecord(kind)}: parameter {parameter.Name} has type {parameter.ParameterType.Name}, which the binder cannot read from YAML");
        }
    }
}
