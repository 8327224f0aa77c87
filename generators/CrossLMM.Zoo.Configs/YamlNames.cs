using System;
using System.Reflection;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The spelling of every enum value in the YAML spec language (snake_case), e.g.
    /// <c>YamlNames.Of(Layout.VideoFirst) == "video_first"</c>. Used in messages, docs and generated code.
    /// </summary>
    public static class YamlNames
    {
        // The [YamlName] of every CompressorKind member, read once.
        private static readonly System.Collections.Generic.Dictionary<CompressorKind, string> CompressorNames = ReadNames<CompressorKind>();

        /// <summary>YAML name of a vision kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(VisionKind value) => value switch
        {
            VisionKind.Vit => "vit",
            VisionKind.Precomputed => "precomputed",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a language model kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(LanguageModelKind value) => value switch
        {
            LanguageModelKind.Qwen2 => "qwen2",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a compressor kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(CompressorKind value) =>
            CompressorNames.TryGetValue(value, out var name) ? name : throw Unknown(value);

        /// <summary>YAML name of a projector kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(ProjectorKind value) => value switch
        {
            ProjectorKind.Mlp => "mlp",
            ProjectorKind.Linear => "linear",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a fusion kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(FusionKind value) => value switch
        {
            FusionKind.DualCrossAttention => "dual_cross_attention",
            FusionKind.Hybrid => "hybrid",
            FusionKind.GatedCrossAttention => "gated_cross_attention",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a layout.</summary>
        /// <param name="value">The value.</param>
        public static string Of(Layout value) => value switch
        {
            Layout.VideoFirst => "video_first",
            Layout.QuestionFirst => "question_first",
            Layout.CrossAttentionOnly => "cross_attention_only",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a fusion source.</summary>
        /// <param name="value">The value.</param>
        public static string Of(FusionSource value) => value switch
        {
            FusionSource.Original => "original",
            FusionSource.Compressed => "compressed",
            FusionSource.Slow => "slow",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a token scope.</summary>
        /// <param name="value">The value.</param>
        public static string Of(TokenScope value) => value switch
        {
            TokenScope.Global => "global",
            TokenScope.Frame => "frame",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a cross-attention branch.</summary>
        /// <param name="value">The value.</param>
        public static string Of(CrossAttentionBranch value) => value switch
        {
            CrossAttentionBranch.V2V => "v2v",
            CrossAttentionBranch.T2V => "t2v",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a granularity.</summary>
        /// <param name="value">The value.</param>
        public static string Of(Granularity value) => value switch
        {
            Granularity.Frame => "frame",
            Granularity.Video => "video",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of an activation.</summary>
        /// <param name="value">The value.</param>
        public static string Of(Activation value) => value switch
        {
            Activation.Gelu => "gelu",
            Activation.GeluTanh => "gelu_tanh",
            Activation.Silu => "silu",
            Activation.Relu => "relu",
            _ => throw Unknown(value),
        };

        /// <summary>YAML name of a projector norm.</summary>
        /// <param name="value">The value.</param>
        public static string Of(ProjectorNorm value) => value switch
        {
            ProjectorNorm.None => "none",
            ProjectorNorm.LayerNorm => "layer_norm",
            _ => throw Unknown(value),
        };

        private static ArgumentOutOfRangeException Unknown(Enum value) =>
            new ArgumentOutOfRangeException(nameof(value), value, $"{value.GetType().Name} value ({value}) is not defined");

        private static System.Collections.Generic.Dictionary<T, string> ReadNames<T>()
            where T : struct, Enum
        {
            var names = new System.Collections.Generic.Dictionary<T, string>();
            foreach (var field in typeof(T).GetTypeInfo().DeclaredFields)
            {
                if (field.IsStatic && field.GetCustomAttribute<YamlNameAttribute>() is YamlNameAttribute name)
                {
                    names[(T)field.GetValue(null)!] = name.Name;
                }
            }

            return names;
        }
    }
}
