namespace CrossLMM.Zoo.Modules.Projectors;

/// <summary>
/// Base of the projectors (<c>projector.kind</c>): maps visual tokens from their feature space to the LLM
/// width. Tokens (…, <see cref="InputWidth"/>) → (…, <see cref="OutputWidth"/>).
/// </summary>
public abstract class VisualProjector : nn.Module<Tensor, Tensor>
{
    /// <summary>Sets the widths.</summary>
    /// <param name="name">Module type name.</param>
    /// <param name="inputWidth">Width of the incoming tokens.</param>
    /// <param name="outputWidth">Width of the outgoing tokens (llm.hidden).</param>
    protected VisualProjector(string name, long inputWidth, long outputWidth) : base(name)
    {
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    /// <summary>Width of the incoming tokens.</summary>
    public long InputWidth { get; }

    /// <summary>Width of the outgoing tokens.</summary>
    public long OutputWidth { get; }
}
