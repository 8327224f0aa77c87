namespace CrossLMM.Zoo.Generators
{
    /// <summary>
    /// PHASE 2 SEAM (issue 4). Will emit <c>&lt;Name&gt;.g.cs</c>: the partial module class of an architecture
    /// with typed submodule fields built from the blocks in modules/ (vision tower, compressor, projector,
    /// optional <c>source_projector</c>, the LLM with its fusion layers per <see cref="Configs.ArchitectureConfig.LayerPlan"/>)
    /// and <c>partial void</c> hooks. The blocks do not exist yet, so this returns null and the pipeline
    /// (<see cref="ZooGenerator"/>) adds nothing. When implementing it: map each sealed config record to its
    /// block type in one switch (a missing kind must be a compile error of the generator, not of user code),
    /// keep Hugging Face parameter names, and extend the approval tests with the new files.
    /// </summary>
    internal static class ModuleEmitter
    {
        /// <summary>The hint name of the module file of <paramref name="model"/>.</summary>
        public static string HintName(ArchitectureModel model) => CSharp.Identifier(model.Result.Name!) + ".g.cs";

        /// <summary>The module class source, or null while the blocks are not available (phase 1).</summary>
        public static string? Emit(ArchitectureModel model) => null;
    }
}
