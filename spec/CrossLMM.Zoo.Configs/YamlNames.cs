using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The spelling of every enum value in the YAML spec language (snake_case), e.g.
    /// <c>YamlNames.Of(Layout.VideoFirst) == "video_first"</c>. Used in messages, docs and generated code.
    /// </summary>
    public static class YamlNames
    {
        /// <summary>YAML name of a vision kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(VisionKind value) =>
            KindDeclaration.Visions.FirstOrDefault(k => Equals(k.Member, value))?.Name ?? throw Unknown(value);

        /// <summary>YAML name of a language model kind.</summary>
        /// <param name="value">The value.</param>
        public static string Of(LanguageModelKind value) =>
            KindDeclaration.Llms.FirstOrDefault(k => Equals(k.Member, value))?.Name ?? throw Unknown(value);

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

        /// <summary>The YAML name of any value of the spec's enums (dispatches to the overload of its type).</summary>
        /// <param name="value">A value of one of the spec's enums.</param>
        /// <exception cref="ArgumentOutOfRangeException">An enum the spec does not spell.</exception>
        public static string OfAny(Enum value) => value switch
        {
            VisionKind v => Of(v),
            LanguageModelKind v => Of(v),
            Layout v => Of(v),
            FusionSource v => Of(v),
            TokenScope v => Of(v),
            CrossAttentionBranch v => Of(v),
            Granularity v => Of(v),
            Activation v => Of(v),
            ProjectorNorm v => Of(v),
            _ => throw Unknown(value),
        };

        /// <summary>The YAML names of every member of <paramref name="enumType"/>, in declaration order.</summary>
        /// <param name="enumType">One of the spec's enums.</param>
        public static IReadOnlyList<string> All(Type enumType) => Enum.GetValues(enumType).Cast<Enum>().Select(OfAny).ToArray();

        /// <summary>The member of <paramref name="enumType"/> spelled <paramref name="name"/> in YAML.</summary>
        /// <param name="enumType">One of the spec's enums.</param>
        /// <param name="name">A YAML name.</param>
        /// <exception cref="ArgumentException">No member is spelled so.</exception>
        public static Enum Parse(Type enumType, string name) =>
            Enum.GetValues(enumType).Cast<Enum>().FirstOrDefault(v => OfAny(v) == name)
            ?? throw new ArgumentException($"'{name}' is not one of {string.Join(", ", All(enumType))}", nameof(name));

        /// <summary>A C# member name in the spec's snake case: <c>SegmentFrames</c> → <c>segment_frames</c>.</summary>
        /// <param name="name">A PascalCase name.</param>
        public static string SnakeCase(string name)
        {
            var text = new StringBuilder();
            for (int i = 0; i < name.Length; i++)
            {
                char c = name[i];
                if (char.IsUpper(c) && i > 0)
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }

            return text.ToString();
        }
    }
}
