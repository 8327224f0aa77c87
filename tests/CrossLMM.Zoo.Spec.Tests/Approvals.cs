using System;
using System.IO;
using Xunit.Sdk;

namespace CrossLMM.Zoo.Spec.Tests;

/// <summary>
/// A small approval helper (Verify is not on the package mirror). The approved text is a checked-in file;
/// on a mismatch the actual text is written next to it as <c>name.received.ext</c> (git-ignored) and the
/// test fails with the first differing line. With <c>CLMZ_APPROVE=1</c> in the environment the approved
/// file is overwritten instead (review the diff before committing).
/// </summary>
public static class Approvals
{
    public static void Verify(string approvedPath, string actual)
    {
        actual = Normalize(actual);
        string received = ReceivedPath(approvedPath);
        string? approved = File.Exists(approvedPath) ? Normalize(File.ReadAllText(approvedPath)) : null;
        if (approved == actual)
        {
            if (File.Exists(received))
            {
                File.Delete(received);
            }

            return;
        }

        if (Environment.GetEnvironmentVariable("CLMZ_APPROVE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(approvedPath)!);
            File.WriteAllText(approvedPath, actual);
            if (File.Exists(received))
            {
                File.Delete(received);
            }

            return;
        }

        File.WriteAllText(received, actual);
        throw new XunitException(
            $"{Path.GetFileName(approvedPath)} differs from the generated text ({FirstDifference(approved ?? string.Empty, actual)}).\n" +
            $"Received: {received}\nIf the change is intended, copy it over the approved file or rerun with CLMZ_APPROVE=1.");
    }

    /// <summary><c>dir/CrossLmmConfig.g.cs</c> → <c>dir/CrossLmmConfig.received.g.cs</c>.</summary>
    public static string ReceivedPath(string approvedPath)
    {
        string dir = Path.GetDirectoryName(approvedPath)!;
        string file = Path.GetFileName(approvedPath);
        int dot = file.IndexOf('.');
        return Path.Combine(dir, dot < 0 ? file + ".received" : file.Substring(0, dot) + ".received" + file.Substring(dot));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");

    private static string FirstDifference(string approved, string actual)
    {
        string[] a = approved.Split('\n');
        string[] b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string left = i < a.Length ? a[i] : "<end of file>";
            string right = i < b.Length ? b[i] : "<end of file>";
            if (left != right)
            {
                int column = 0;
                while (column < left.Length && column < right.Length && left[column] == right[column])
                {
                    column++;
                }

                return $"line {i + 1}, column {column + 1}: approved \"{Around(left, column)}\", received \"{Around(right, column)}\"";
            }
        }

        return "same lines";
    }

    private static string Around(string s, int column)
    {
        int start = Math.Max(0, column - 40);
        int length = Math.Min(s.Length - start, 80);
        return (start > 0 ? "…" : string.Empty) + s.Substring(start, Math.Max(0, length)) + (start + length < s.Length ? "…" : string.Empty);
    }
}
