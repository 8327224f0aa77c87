using System;
using System.Collections.Generic;
using CrossLMM.Zoo.Configs;
using CrossLMM.Zoo.Spec.Yaml;

namespace CrossLMM.Zoo.Spec.Binding
{
    /// <summary>Builds the size records from field sets, applies overrides, and checks the size rules shared by zoo.yaml and overrides.</summary>
    internal static class Sizes
    {
        public static VisionConfig Vision(FieldSet f, VisionKind kind) => new VisionConfig(
            kind, f.Int("image"), f.Int("patch"), f.Int("channels"), f.Int("hidden"), f.Int("layers"), f.Int("heads"), f.Int("mlp"), f.Number("norm_eps"));

        public static ResamplerConfig Resampler(FieldSet f) => new ResamplerConfig(
            f.Int("hidden"), f.Int("layers"), f.Int("heads"), f.Int("mlp"), f.Number("norm_eps"));

        public static LanguageModelConfig Llm(FieldSet f, LanguageModelKind kind) => new LanguageModelConfig(
            kind, f.Int("hidden"), f.Int("layers"), f.Int("heads"), f.Int("kv_heads"), f.Int("mlp"), f.Int("vocab"),
            f.Number("rope_theta"), f.Number("norm_eps"), f.Bool("tie_embeddings"), f.Int("max_positions"));

        public static VisionConfig Apply(VisionConfig v, FieldSet? o)
        {
            if (o is null)
            {
                return v;
            }

            return v with
            {
                Image = o.OptionalInt("image") ?? v.Image,
                Patch = o.OptionalInt("patch") ?? v.Patch,
                Channels = o.OptionalInt("channels") ?? v.Channels,
                Hidden = o.OptionalInt("hidden") ?? v.Hidden,
                Layers = o.OptionalInt("layers") ?? v.Layers,
                Heads = o.OptionalInt("heads") ?? v.Heads,
                Mlp = o.OptionalInt("mlp") ?? v.Mlp,
                NormEps = o.Has("norm_eps") ? o.Number("norm_eps") : v.NormEps,
            };
        }

        public static ResamplerConfig Apply(ResamplerConfig r, FieldSet? o)
        {
            if (o is null)
            {
                return r;
            }

            return r with
            {
                Hidden = o.OptionalInt("hidden") ?? r.Hidden,
                Layers = o.OptionalInt("layers") ?? r.Layers,
                Heads = o.OptionalInt("heads") ?? r.Heads,
                Mlp = o.OptionalInt("mlp") ?? r.Mlp,
                NormEps = o.Has("norm_eps") ? o.Number("norm_eps") : r.NormEps,
            };
        }

        public static LanguageModelConfig Apply(LanguageModelConfig l, FieldSet? o)
        {
            if (o is null)
            {
                return l;
            }

            return l with
            {
                Hidden = o.OptionalInt("hidden") ?? l.Hidden,
                Layers = o.OptionalInt("layers") ?? l.Layers,
                Heads = o.OptionalInt("heads") ?? l.Heads,
                KvHeads = o.OptionalInt("kv_heads") ?? l.KvHeads,
                Mlp = o.OptionalInt("mlp") ?? l.Mlp,
                Vocab = o.OptionalInt("vocab") ?? l.Vocab,
                RopeTheta = o.Has("rope_theta") ? o.Number("rope_theta") : l.RopeTheta,
                NormEps = o.Has("norm_eps") ? o.Number("norm_eps") : l.NormEps,
                TieEmbeddings = o.Has("tie_embeddings") ? o.Bool("tie_embeddings") : l.TieEmbeddings,
                MaxPositions = o.OptionalInt("max_positions") ?? l.MaxPositions,
            };
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
