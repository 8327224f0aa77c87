namespace CrossLMM.Zoo.Configs
{
    /// <summary>
    /// A broken rule of a kind record, with the YAML field it is about (<c>grid</c>), so the binder reports it at that
    /// value without reading the message.
    /// </summary>
    /// <param name="Field">The record's field (snake case, as in YAML).</param>
    /// <param name="Message">The rule's wording (<c>compressor.grid (5) must be ≤ …</c>).</param>
    public sealed record ConfigProblem(string Field, string Message)
    {
        /// <inheritdoc/>
        public override string ToString() => Message;
    }
}
