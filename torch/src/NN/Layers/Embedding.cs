using System;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace TorchSharp.Modules;

/// <summary>A lookup table: indices (*) → (*, embedding_dim). Key: <c>weight</c> (num_embeddings, embedding_dim), init N(0, 1).</summary>
public sealed class Embedding : nn.Module<Tensor, Tensor>
{
    // A property over a named field, as in TorchSharp (its Embedding.weight is a property, not a field).
    [ComponentName(Name = nameof(weight))]
    private Parameter _weight;
    private readonly long? _paddingIdx;

    /// <summary>(num_embeddings, embedding_dim).</summary>
    public Parameter weight {
        get => _weight;
        set {
            _weight = value ?? throw new ArgumentNullException(nameof(value), "Embedding: weight must not be null");
            ConditionallyRegisterParameter(nameof(weight), value);
        }
    }

    internal Embedding(long num_embeddings, long embedding_dims, long? padding_idx, Device? device, ScalarType? dtype) : base(nameof(Embedding))
    {
        if (num_embeddings <= 0) throw new ArgumentOutOfRangeException(nameof(num_embeddings), num_embeddings, "Embedding: num_embeddings must be positive");
        if (embedding_dims <= 0) throw new ArgumentOutOfRangeException(nameof(embedding_dims), embedding_dims, "Embedding: embedding_dim must be positive");
        _paddingIdx = padding_idx;
        using (NewDisposeScope()) {
            _weight = new Parameter(empty(new[] { num_embeddings, embedding_dims }, dtype, device));
            nn.init.normal_(_weight);
            if (padding_idx is long p) {
                using (no_grad()) _weight[p].zero_();
            }
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) => nn.functional.embedding(input, _weight, _paddingIdx);
}
