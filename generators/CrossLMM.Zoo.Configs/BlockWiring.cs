using System;
using System.Reflection;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>The <c>kind:</c> value of an enum member (<c>[YamlName("qformer")] QFormer</c>): the kind's name declared next to the kind.</summary>
    [AttributeUsage(AttributeTargets.Field)]
    public sealed class YamlNameAttribute : Attribute
    {
        /// <summary>Declares the YAML name.</summary>
        /// <param name="name">The <c>kind:</c> value.</param>
        public YamlNameAttribute(string name)
        {
            Name = name;
        }

        /// <summary>The <c>kind:</c> value.</summary>
        public string Name { get; }
    }

    /// <summary>
    /// The one description of how a compressor kind becomes a block, read by the runtime builder (<c>CompressorFactory</c>,
    /// through reflection) and by the source generator (<c>ModuleEmitter</c>, through Roslyn symbols), so neither keeps a
    /// list of kinds or constructor signatures. A kind <c>K</c> of <see cref="CompressorKind"/> has its record
    /// <c>CrossLMM.Zoo.Configs.KCompressorConfig</c> and its block <c>CrossLMM.Zoo.Modules.Compressors.KCompressor</c>, whose
    /// public constructor taking the record first is the one both call; each of its parameters names the part of the bound
    /// architecture it takes (<see cref="ArgumentFor"/>).
    /// </summary>
    public static class BlockWiring
    {
        /// <summary>The namespace of the compressor blocks.</summary>
        public const string CompressorNamespace = "CrossLMM.Zoo.Modules.Compressors";

        /// <summary>The full name of the record of <paramref name="kind"/>: <c>CrossLMM.Zoo.Configs.Pool2dCompressorConfig</c>.</summary>
        /// <param name="kind">The kind.</param>
        public static string CompressorRecord(CompressorKind kind) => typeof(CompressorConfig).Namespace + "." + kind + "CompressorConfig";

        /// <summary>The full name of the block of <paramref name="kind"/>: <c>CrossLMM.Zoo.Modules.Compressors.Pool2dCompressor</c>.</summary>
        /// <param name="kind">The kind.</param>
        public static string CompressorBlock(CompressorKind kind) => CompressorNamespace + "." + kind + "Compressor";

        /// <summary>The record type of <paramref name="kind"/>.</summary>
        /// <param name="kind">The kind.</param>
        /// <exception cref="InvalidOperationException">The kind has no record (a bug: every kind declares one).</exception>
        public static Type CompressorRecordType(CompressorKind kind) =>
            typeof(CompressorConfig).GetTypeInfo().Assembly.GetType(CompressorRecord(kind))
            ?? throw new InvalidOperationException($"compressor kind {YamlNames.Of(kind)} has no record {CompressorRecord(kind)}");

        /// <summary>
        /// The member of a bound <c>ArchitectureConfig</c> a block constructor parameter takes: <c>Compressor</c> (the
        /// record), <c>Vision</c>, <c>Resampler</c>, <c>Llm</c>, or <c>Llm.Hidden</c> for a <c>long</c> (or <c>int</c>) <c>textWidth</c> (the width
        /// of the embedded prompt a text-guided compressor reads); null for any other parameter (the block cannot be wired).
        /// </summary>
        /// <param name="parameterType">The parameter's full type name (<c>System.Int32</c>, <c>CrossLMM.Zoo.Configs.VisionConfig</c>).</param>
        /// <param name="parameterName">The parameter's name.</param>
        public static string? ArgumentFor(string parameterType, string parameterName)
        {
            string configs = typeof(CompressorConfig).Namespace + ".";
            if (parameterType == configs + nameof(VisionConfig))
            {
                return "Vision";
            }

            if (parameterType == configs + nameof(ResamplerConfig))
            {
                return "Resampler";
            }

            if (parameterType == configs + nameof(LanguageModelConfig))
            {
                return "Llm";
            }

            if ((parameterType == "System.Int64" || parameterType == "System.Int32") && parameterName == "textWidth")
            {
                return "Llm.Hidden";
            }

            return parameterType.StartsWith(configs, StringComparison.Ordinal) && parameterType.EndsWith("CompressorConfig", StringComparison.Ordinal)
                ? "Compressor"
                : null;
        }
    }
}
