namespace CrossLMM.Zoo.Modules.Language;

/// <summary>
/// Base of every layer a <see cref="Qwen2Model"/> stacks: hidden states (B, S, H) and the pass's
/// <see cref="LayerContext"/> → hidden states (B, S, H). Concrete layers: <see cref="Qwen2DecoderLayer"/>
/// (optionally carrying a fusion block before or after it) and <see cref="HybridDecoderLayer"/> (Slow-Fast).
/// All of them keep Hugging Face's Qwen2 layer keys (<c>self_attn.*</c>, <c>mlp.*</c>,
/// <c>input_layernorm</c>, <c>post_attention_layernorm</c>); fusion adds keys under <c>cross_attn.*</c>.
/// </summary>
public abstract class DecoderLayer : nn.Module<Tensor, LayerContext, Tensor>
{
    /// <summary>Names the module.</summary>
    /// <param name="name">The module's type name.</param>
    protected DecoderLayer(string name) : base(name)
    {
    }

    /// <summary>Model width H.</summary>
    public abstract long Hidden { get; }
}
