using System;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The one description of how a kind's block is built, read by the runtime builder (<c>Blocks</c> in
    /// CrossLMM.Zoo.Modules, through reflection) and by the source generator (<c>PipelineInputs.Blocks</c>, through Roslyn
    /// symbols), so neither keeps a list of kinds or constructor signatures. A block marks the kind it runs with a
    /// <see cref="BlockForAttribute"/>; both callers use its public constructor whose first parameter is that record
    /// (<see cref="VisionConfig"/> for a vision kind), and give each parameter the value <see cref="ArgumentFor"/> names.
    /// </summary>
    public static class BlockWiring
    {
        /// <summary>The kind's own record (the constructor's first parameter).</summary>
        public const string Record = "Record";

        /// <summary>The bound architecture's vision section.</summary>
        public const string Vision = "Vision";

        /// <summary>The bound architecture's resampler section.</summary>
        public const string Resampler = "Resampler";

        /// <summary>The bound architecture's language model section.</summary>
        public const string Llm = "Llm";

        /// <summary>llm.hidden: the width of the embedded prompt (<c>textWidth</c>) or of a projector's output (<c>outputWidth</c>).</summary>
        public const string LlmHidden = "Llm.Hidden";

        /// <summary>A language model's layer factory (<c>Func&lt;int, DecoderLayer&gt; layer</c>): layer i, plain or with its fusion block, per the layer plan.</summary>
        public const string Layers = "Layers";

        /// <summary>The width of the tokens a projector maps (<c>inputWidth</c>): the compressor output's, or the fusion source's for the source projector.</summary>
        public const string InputWidth = "InputWidth";

        /// <summary>
        /// What a block constructor's parameter takes: <see cref="Record"/> for the first, then <see cref="Vision"/>,
        /// <see cref="Resampler"/> or <see cref="Llm"/> by type, <see cref="LlmHidden"/> for an integer <c>textWidth</c> or
        /// <c>outputWidth</c>, <see cref="InputWidth"/> for an integer <c>inputWidth</c>, <see cref="Layers"/> for a language model's
        /// <c>Func&lt;int, DecoderLayer&gt; layer</c>; null for any other parameter (the
        /// block cannot be wired, which both callers report naming the block and the parameter).
        /// </summary>
        /// <param name="position">The parameter's position.</param>
        /// <param name="parameterType">The parameter's full type name (<c>System.Int64</c>, <c>CrossLMM.Zoo.Configs.VisionConfig</c>).</param>
        /// <param name="parameterName">The parameter's name.</param>
        public static string? ArgumentFor(int position, string parameterType, string parameterName)
        {
            string configs = typeof(VisionConfig).Namespace + ".";
            bool integer = parameterType == "System.Int64" || parameterType == "System.Int32";
            return position == 0 ? Record
                : parameterType == configs + nameof(VisionConfig) ? Vision
                : parameterType == configs + nameof(ResamplerConfig) ? Resampler
                : parameterType == configs + nameof(LanguageModelConfig) ? Llm
                : integer && (parameterName == "textWidth" || parameterName == "outputWidth") ? LlmHidden
                : integer && parameterName == "inputWidth" ? InputWidth
                : parameterType.StartsWith("System.Func`2", StringComparison.Ordinal) && parameterName == "layer" ? Layers
                : null;
        }
    }
}
