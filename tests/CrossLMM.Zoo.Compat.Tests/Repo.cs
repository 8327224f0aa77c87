using System;
using System.IO;

namespace CrossLMM.Zoo.Compat.Tests;

/// <summary>The repository checkout, found from the test binary by walking up to the solution file.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrossLMM.Zoo.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("CrossLMM.Zoo.sln not found above " + AppContext.BaseDirectory);
    }
}
