using System.Collections.Generic;

namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// The explicit per-layer plan of the LLM (like <c>layer_types</c> in Hugging Face configs): for each
    /// decoder layer, the index of the fusion entry that sits on it, or <see langword="null"/>.
    /// </summary>
    /// <param name="FusionIndices">One entry per decoder layer: an index into <see cref="ArchitectureConfig.Fusion"/>, or null.</param>
    public sealed record LayerPlan(EquatableArray<int?> FusionIndices)
    {
        /// <summary>Number of decoder layers.</summary>
        public int Count => FusionIndices.Count;

        /// <summary>The fusion entry index on <paramref name="layer"/>, or null for a plain decoder layer.</summary>
        /// <param name="layer">Zero-based layer index in [0, Count).</param>
        public int? this[int layer] => FusionIndices[layer];

        /// <summary>The layers that carry a fusion entry, ascending.</summary>
        public EquatableArray<int> FusedLayers
        {
            get
            {
                var layers = new List<int>();
                for (int i = 0; i < FusionIndices.Count; i++)
                {
                    if (FusionIndices[i] is not null)
                    {
                        layers.Add(i);
                    }
                }

                return new EquatableArray<int>(layers);
            }
        }

        /// <summary>
        /// Builds the plan for <paramref name="layers"/> decoder layers. Out-of-range layer indices are
        /// ignored and, if two entries share a layer, the first wins; <see cref="ArchitectureConfig.Validate"/>
        /// reports both as problems.
        /// </summary>
        /// <param name="layers">llm.layers.</param>
        /// <param name="fusion">The fusion entries with their expanded layers.</param>
        public static LayerPlan Create(int layers, IReadOnlyList<FusionConfig> fusion)
        {
            var plan = new int?[layers < 0 ? 0 : layers];
            for (int f = 0; f < fusion.Count; f++)
            {
                foreach (int layer in fusion[f].Layers)
                {
                    if (layer >= 0 && layer < plan.Length && plan[layer] is null)
                    {
                        plan[layer] = f;
                    }
                }
            }

            return new LayerPlan(new EquatableArray<int?>(plan));
        }

        /// <summary>The plan as <c>[-, -, -, 0, -, ...]</c> (fusion index per layer, '-' for none).</summary>
        public override string ToString()
        {
            var parts = new string[Count];
            for (int i = 0; i < Count; i++)
            {
                parts[i] = FusionIndices[i]?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
            }

            return "[" + string.Join(", ", parts) + "]";
        }
    }
}
