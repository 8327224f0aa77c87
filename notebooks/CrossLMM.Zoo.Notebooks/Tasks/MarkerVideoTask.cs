using CrossLMM.Zoo.Modules;

namespace CrossLMM.Zoo.Notebooks.Tasks;

/// <summary>
/// The notebooks' name for the training library's find-the-detail task
/// (<see cref="CrossLMM.Zoo.Tools.Training.Data.MarkerVideoTask"/>, the data behind <c>builtin:marker</c> recipes), so
/// notebooks that say <c>using CrossLMM.Zoo.Notebooks.Tasks;</c> keep working. Same constructor, same samples.
/// </summary>
public sealed class MarkerVideoTask : CrossLMM.Zoo.Tools.Training.Data.MarkerVideoTask
{
    /// <inheritdoc cref="CrossLMM.Zoo.Tools.Training.Data.MarkerVideoTask(ArchitectureConfig, int, int, int, double, int)"/>
    public MarkerVideoTask(ArchitectureConfig config, int frames = 8, int block = 4, int colours = 4, double clutter = 0.5, int questionLength = 4)
        : base(config, frames, block, colours, clutter, questionLength)
    {
    }
}
