using System;
using System.Collections.Generic;
using System.Globalization;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The shared validation rules of the zoo, as message builders. The spec binder reports them as build
    /// diagnostics at the YAML location; the config records' <c>Validate</c> methods and the hand-written
    /// blocks throw them as <see cref="ArgumentException"/>s. One rule, one wording, everywhere.
    /// </summary>
    public static class ConfigRules
    {
        // The wording of each rule, as a composite format (invariant culture; a double argument is shown round-trip).
        // The spec core's message catalogue (CrossLMM.Zoo.Spec.SpecMessages) reports the same formats as diagnostics.

        /// <summary>Format of <see cref="NotDivisible"/>: {0} dividend name, {1} its value, {2} divisor name, {3} its value.</summary>
        public const string NotDivisibleFormat = "{0} ({1}) must be divisible by {2} ({3})";

        /// <summary>Format of <see cref="BelowMinimum"/>: {0} field, {1} value, {2} minimum.</summary>
        public const string BelowMinimumFormat = "{0} ({1}) must be ≥ {2}";

        /// <summary>Format of <see cref="AboveMaximum"/>: {0} field, {1} value, {2} maximum.</summary>
        public const string AboveMaximumFormat = "{0} ({1}) must be ≤ {2}";

        /// <summary>Format of <see cref="OutOfRange"/>: {0} field, {1} value (a double), {2} relation.</summary>
        public const string OutOfRangeFormat = "{0} ({1}) must be {2}";

        /// <summary>Format of <see cref="LargerThanPatchGrid"/>: {0} field, {1} value, {2} patch grid side, {3} image, {4} patch.</summary>
        public const string LargerThanPatchGridFormat = "{0} ({1}) must be ≤ the patch grid side ({2} = vision.image {3} / vision.patch {4})";

        /// <summary>Format of <see cref="HybridHeadsDiffer"/>: {0} field, {1} value, {2} LLM field, {3} its value, {4} where (e.g. <c>" in preset 'tiny'"</c>).</summary>
        public const string HybridHeadsDifferFormat = "{0} ({1}) must equal {2} ({3}){4}: a hybrid layer reuses its decoder layer's queries and starts its keys/values as copies of that layer's k_proj/v_proj";

        /// <summary>Formats <paramref name="format"/> the way every rule message is shown: invariant culture, doubles round-trip.</summary>
        /// <param name="format">A composite format, e.g. <see cref="NotDivisibleFormat"/>.</param>
        /// <param name="args">Its values.</param>
        public static string Compose(string format, params object[] args) => string.Format(RuleFormat.Instance, format, args);

        /// <summary><c>"llm.hidden (1000) must be divisible by llm.heads (12)"</c>.</summary>
        /// <param name="dividend">Name of the value that must be a multiple.</param>
        /// <param name="dividendValue">Its value.</param>
        /// <param name="divisor">Name of the divisor.</param>
        /// <param name="divisorValue">Its value.</param>
        public static string NotDivisible(string dividend, long dividendValue, string divisor, long divisorValue) =>
            Compose(NotDivisibleFormat, dividend, dividendValue, divisor, divisorValue);

        /// <summary><c>"compressor.grid (0) must be ≥ 1"</c>.</summary>
        /// <param name="field">Name of the value.</param>
        /// <param name="value">Its value.</param>
        /// <param name="minimum">The smallest allowed value.</param>
        public static string BelowMinimum(string field, long value, long minimum) =>
            Compose(BelowMinimumFormat, field, value, minimum);

        /// <summary><c>"llm.layers (5000) must be ≤ 4096"</c>.</summary>
        /// <param name="field">Name of the value.</param>
        /// <param name="value">Its value.</param>
        /// <param name="maximum">The largest allowed value.</param>
        public static string AboveMaximum(string field, long value, long maximum) =>
            Compose(AboveMaximumFormat, field, value, maximum);

        /// <summary><c>"vision.norm_eps (0) must be &gt; 0"</c> and similar for real-valued fields.</summary>
        /// <param name="field">Name of the value.</param>
        /// <param name="value">Its value.</param>
        /// <param name="relation">The relation it must satisfy, e.g. <c>"&gt; 0"</c>.</param>
        public static string OutOfRange(string field, double value, string relation) =>
            Compose(OutOfRangeFormat, field, value, relation);

        /// <summary><c>"compressor.grid (5) must be ≤ the patch grid side (4 = vision.image 32 / vision.patch 8)"</c>.</summary>
        /// <param name="field">Name of the grid or stride field.</param>
        /// <param name="value">Its value.</param>
        /// <param name="vision">The vision config that defines the patch grid.</param>
        public static string LargerThanPatchGrid(string field, long value, VisionConfig vision) =>
            Compose(LargerThanPatchGridFormat, field, value, vision.PatchGrid, vision.Image, vision.Patch);

        /// <summary>
        /// <c>"fusion[0].kv_heads (2) must equal llm.kv_heads (4): a hybrid layer reuses its decoder layer's queries and
        /// starts its keys/values as copies of that layer's k_proj/v_proj"</c>.
        /// </summary>
        /// <param name="field">The hybrid entry's field (<c>fusion[i].heads</c> or <c>fusion[i].kv_heads</c>).</param>
        /// <param name="value">Its value.</param>
        /// <param name="llmField">The LLM field it must equal.</param>
        /// <param name="llmValue">That field's value.</param>
        /// <param name="where">Inserted before the reason, e.g. <c>" in preset 'tiny'"</c>; empty by default.</param>
        public static string HybridHeadsDiffer(string field, long value, string llmField, long llmValue, string where = "") =>
            Compose(HybridHeadsDifferFormat, field, value, llmField, llmValue, where);

        /// <summary>Formats a real number the way messages, docs and generated code show it (invariant, round-trip).</summary>
        /// <param name="value">The number.</param>
        public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>Throws an <see cref="ArgumentException"/> naming <paramref name="paramName"/> when there are problems.</summary>
        /// <param name="problems">Messages from a <c>Validate</c> method.</param>
        /// <param name="paramName">The argument that carried the config.</param>
        /// <exception cref="ArgumentException">At least one problem.</exception>
        public static void ThrowIfAny(IReadOnlyList<string> problems, string paramName)
        {
            if (problems.Count > 0)
            {
                throw new ArgumentException(string.Join("; ", problems), paramName);
            }
        }

        internal static void Positive(List<string> problems, string field, long value)
        {
            if (value < 1)
            {
                problems.Add(BelowMinimum(field, value, 1));
            }
        }

        /// <summary>Adds a problem about <c>compressor.&lt;field&gt;</c> if <paramref name="value"/> &lt; 1.</summary>
        internal static void Positive(List<ConfigProblem> problems, string field, long value)
        {
            if (value < 1)
            {
                problems.Add(new ConfigProblem(field, BelowMinimum("compressor." + field, value, 1)));
            }
        }

        internal static void Divisible(List<string> problems, string dividend, long dividendValue, string divisor, long divisorValue)
        {
            if (divisorValue >= 1 && dividendValue % divisorValue != 0)
            {
                problems.Add(NotDivisible(dividend, dividendValue, divisor, divisorValue));
            }
        }

        internal static void Epsilon(List<string> problems, string field, double value)
        {
            if (!(value > 0 && value < 1))
            {
                problems.Add(OutOfRange(field, value, "in (0, 1)"));
            }
        }

        // Invariant culture; a double is shown as Format shows it (round-trip).
        private sealed class RuleFormat : IFormatProvider, ICustomFormatter
        {
            public static readonly RuleFormat Instance = new RuleFormat();

            public object? GetFormat(Type? formatType) => formatType == typeof(ICustomFormatter) ? this : null;

            public string Format(string? format, object? arg, IFormatProvider? formatProvider) => arg switch
            {
                null => string.Empty,
                double d => ConfigRules.Format(d),
                IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
                _ => arg.ToString() ?? string.Empty,
            };
        }
    }
}
