using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>Builds the size records from field sets, applies overrides, and checks the size rules shared by zoo.yaml and overrides.</summary>
    internal static class Sizes
    {
        /// <summary>
        /// A size record (<see cref="VisionConfig"/>, <see cref="ResamplerConfig"/>, <see cref="LanguageModelConfig"/>) from
        /// a preset section: each constructor parameter reads the field of its snake-case name (<c>KvHeads</c> ←
        /// <c>kv_heads</c>), as the kind records do; an enum parameter (the kind) takes <paramref name="kind"/>.
        /// </summary>
        /// <typeparam name="T">The size record.</typeparam>
        /// <param name="f">The section's fields, every one present (zoo.yaml requires them).</param>
        /// <param name="kind">The slot's kind, for the records that carry one.</param>
        public static T Create<T>(FieldSet f, Enum? kind = null) =>
            Construct<T>(p => p.ParameterType.IsEnum ? kind! : Read(f, p));

        /// <summary>
        /// <paramref name="current"/> with the fields an <c>overrides.&lt;preset&gt;</c> section sets replaced (every other
        /// value, the kind included, kept).
        /// </summary>
        /// <typeparam name="T">The size record.</typeparam>
        /// <param name="current">The preset's record.</param>
        /// <param name="o">The override section, or null.</param>
        public static T Apply<T>(T current, FieldSet? o)
            where T : notnull =>
            o is null
                ? current
                : Construct<T>(p => o.Has(YamlNames.SnakeCase(p.Name!)) ? Read(o, p) : typeof(T).GetProperty(p.Name!)!.GetValue(current)!);

        private static T Construct<T>(Func<ParameterInfo, object> value)
        {
            var constructor = typeof(T).GetConstructors().Single(c => c.GetParameters().Length > 0);
            return (T)constructor.Invoke(constructor.GetParameters().Select(value).ToArray());
        }

        private static object Read(FieldSet f, ParameterInfo p)
        {
            string name = YamlNames.SnakeCase(p.Name!);
            return p.ParameterType == typeof(int) ? f.Int(name)
                : p.ParameterType == typeof(double) ? f.Number(name)
                : p.ParameterType == typeof(bool) ? f.Bool(name)
                : throw new InvalidOperationException($"{p.Member.DeclaringType?.Name}: size parameter {p.Name} has type {p.ParameterType.Name}, which a preset section cannot set");
        }

        /// <summary>
        /// The divisibility rules of the size sections at <paramref name="preset"/>. <paramref name="locate"/> maps <c>section.field</c>
        /// to the node that set it, or null when it came from elsewhere (then the rule is located at the
        /// first involved value that has a node; a rule with no located value is skipped).
        /// </summary>
        public static List<(SpecMessage Message, YNode Node)> Check(
            VisionConfig v, ResamplerConfig r, LanguageModelConfig l, string preset, Func<string, YNode?> locate)
        {
            var problems = new List<(SpecMessage, YNode)>();

            void Divisible(Func<string, long, string, long, string, SpecMessage> rule, string a, long av, string b, long bv)
            {
                if (bv >= 1 && av % bv != 0)
                {
                    var node = locate(a) ?? locate(b);
                    if (node is not null)
                    {
                        problems.Add((rule(a, av, b, bv, preset), node));
                    }
                }
            }

            Divisible(SpecMessages.ImageNotDivisibleByPatch, "vision.image", v.Image, "vision.patch", v.Patch);
            Divisible(SpecMessages.HiddenNotDivisibleByHeads, "vision.hidden", v.Hidden, "vision.heads", v.Heads);
            Divisible(SpecMessages.HiddenNotDivisibleByHeads, "resampler.hidden", r.Hidden, "resampler.heads", r.Heads);
            Divisible(SpecMessages.HiddenNotDivisibleByHeads, "llm.hidden", l.Hidden, "llm.heads", l.Heads);
            Divisible(SpecMessages.HeadsNotDivisibleByKvHeads, "llm.heads", l.Heads, "llm.kv_heads", l.KvHeads);
            return problems;
        }
    }
}
