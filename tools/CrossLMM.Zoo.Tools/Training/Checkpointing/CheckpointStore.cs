using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;

namespace CrossLMM.Zoo.Tools.Training.Checkpointing;

/// <summary>What a checkpoint records besides tensors: enough to continue exactly.</summary>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="TotalSteps">Steps of the whole run.</param>
/// <param name="Samples">Training samples seen.</param>
/// <param name="Tokens">Stream tokens processed (visual + text).</param>
/// <param name="ElapsedSeconds">Training wall time so far.</param>
/// <param name="RecipeSha256">SHA-256 of the recipe text (a resume with a changed recipe is refused).</param>
/// <param name="Architecture">The architecture (stem or file).</param>
/// <param name="Preset">The size preset.</param>
public sealed record TrainerState(int Step, int TotalSteps, long Samples, long Tokens, double ElapsedSeconds, string RecipeSha256, string Architecture, string Preset);

/// <summary>A checkpoint on disk whose manifest has been verified.</summary>
/// <param name="Directory">Its folder.</param>
/// <param name="State">The trainer state.</param>
public sealed record CheckpointInfo(string Directory, TrainerState State)
{
    /// <summary>The model's tensors.</summary>
    public string ModelFile => Path.Combine(Directory, CheckpointStore.ModelFile);

    /// <summary>The optimizer's tensors.</summary>
    public string OptimizerFile => Path.Combine(Directory, CheckpointStore.OptimizerFile);
}

/// <summary>
/// The checkpoints of a run: <c>RUN/checkpoints/step-00000040/</c> with <c>model.safetensors</c>,
/// <c>optimizer.safetensors</c>, <c>trainer.json</c> and <c>manifest.sha256</c> (SHA-256 of each file, in
/// <c>sha256sum</c>'s format, so <c>sha256sum -c manifest.sha256</c> checks it too).
/// <para>Written atomically: everything goes to a hidden temporary folder, every file is flushed to disk, the manifest is
/// written last, and only then is the folder renamed into place (a rename within one file system is atomic). A crash,
/// a signal or a full disk at any point leaves the previous checkpoints as they were. Older checkpoints beyond
/// <see cref="KeepLast"/> are deleted only after the new one is in place.</para>
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>The model file's name.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>The optimizer file's name.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>The trainer state's name.</summary>
    public const string StateFile = "trainer.json";

    /// <summary>The manifest's name.</summary>
    public const string ManifestFile = "manifest.sha256";

    /// <summary>The checkpoints' folder inside a run's output folder.</summary>
    public const string Folder = "checkpoints";

    private const int NoSpaceLeft = 28;   // ENOSPC
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly Action<string>? _afterFileWritten;

    /// <summary>Creates the store of a run.</summary>
    /// <param name="runDirectory">The run's output folder.</param>
    /// <param name="keepLast">Checkpoints kept (≥ 1).</param>
    /// <param name="afterFileWritten">Called with each file's path after it is written (a seam for fault-injection tests).</param>
    public CheckpointStore(string runDirectory, int keepLast, Action<string>? afterFileWritten = null)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        if (keepLast < 1) throw new ArgumentException($"keepLast ({keepLast}) must be ≥ 1", nameof(keepLast));
        Directory = Path.Combine(runDirectory, Folder);
        KeepLast = keepLast;
        _afterFileWritten = afterFileWritten;
    }

    /// <summary>The checkpoints' folder.</summary>
    public string Directory { get; }

    /// <summary>Checkpoints kept.</summary>
    public int KeepLast { get; }

    /// <summary>The folder name of step <paramref name="step"/>.</summary>
    /// <param name="step">Steps completed.</param>
    public static string NameOf(int step) => "step-" + step.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>Complete checkpoints (those with a manifest), oldest first.</summary>
    /// <param name="checkpointsDirectory">A run's <c>checkpoints</c> folder.</param>
    public static IReadOnlyList<string> Complete(string checkpointsDirectory) =>
        System.IO.Directory.Exists(checkpointsDirectory)
            ? System.IO.Directory.GetDirectories(checkpointsDirectory, "step-*")
                .Where(d => File.Exists(Path.Combine(d, ManifestFile)))
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToArray()
            : Array.Empty<string>();

    /// <summary>Writes a checkpoint atomically and prunes old ones.</summary>
    /// <param name="state">The trainer state.</param>
    /// <param name="model">The model's tensors.</param>
    /// <param name="optimizer">The optimizer's tensors.</param>
    /// <param name="metadata">Extra string metadata for the optimizer file (e.g. its step count).</param>
    /// <returns>The checkpoint's folder.</returns>
    /// <exception cref="ZooUserException">The disk is full (or another I/O error): the partial checkpoint is removed, earlier ones are intact.</exception>
    public string Save(TrainerState state, IReadOnlyDictionary<string, Tensor> model, IReadOnlyDictionary<string, Tensor> optimizer, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(state);
        string final = Path.Combine(Directory, NameOf(state.Step));
        if (File.Exists(Path.Combine(final, ManifestFile)))
        {
            return final;   // already written (e.g. interrupted right after a scheduled checkpoint)
        }

        System.IO.Directory.CreateDirectory(Directory);
        string temp = Path.Combine(Directory, $".incomplete-{NameOf(state.Step)}-{Environment.ProcessId}");
        try
        {
            if (System.IO.Directory.Exists(temp)) System.IO.Directory.Delete(temp, recursive: true);
            System.IO.Directory.CreateDirectory(temp);
            Write(Path.Combine(temp, ModelFile), path => CrossLMM.Zoo.Engine.Safetensors.Save(path, model));
            Write(Path.Combine(temp, OptimizerFile), path => CrossLMM.Zoo.Engine.Safetensors.Save(path, optimizer, metadata));
            Write(Path.Combine(temp, StateFile), path => File.WriteAllText(path, JsonSerializer.Serialize(state, Json)));
            var lines = new[] { ModelFile, OptimizerFile, StateFile }.Select(f => $"{Sha256(Path.Combine(temp, f))}  {f}\n");
            Write(Path.Combine(temp, ManifestFile), path => File.WriteAllText(path, string.Concat(lines)));
            if (System.IO.Directory.Exists(final)) System.IO.Directory.Delete(final, recursive: true);   // an incomplete leftover (no manifest)
            System.IO.Directory.Move(temp, final);
        }
        catch (IOException e)
        {
            TryDelete(temp);
            var previous = Complete(Directory).LastOrDefault();
            string kept = previous is null ? "no earlier checkpoint exists" : $"the previous checkpoint {previous} is intact";
            throw new ZooUserException((e.HResult & 0xFFFF) == NoSpaceLeft
                ? $"no space left on the device while writing checkpoint step {state.Step} to {Directory}; the partial checkpoint was removed and {kept}"
                : $"could not write checkpoint step {state.Step} to {Directory}: {e.Message}; the partial checkpoint was removed and {kept}", e);
        }

        foreach (var old in Complete(Directory).SkipLast(KeepLast))
        {
            TryDelete(old);
        }

        return final;
    }

    /// <summary>
    /// The checkpoint to resume from: <paramref name="path"/> itself when it is a checkpoint folder, else the newest
    /// complete checkpoint of the run folder <paramref name="path"/>. Every file is checked against the manifest.
    /// </summary>
    /// <param name="path">A checkpoint folder or a run's output folder.</param>
    /// <exception cref="ZooUserException">No checkpoint there, a missing file, or a file whose SHA-256 differs from the manifest's (named, with both hashes).</exception>
    public static CheckpointInfo Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string directory;
        if (File.Exists(Path.Combine(path, ManifestFile)))
        {
            directory = path;
        }
        else
        {
            var complete = Complete(Path.Combine(path, Folder));
            directory = complete.Count > 0
                ? complete[^1]
                : throw new ZooUserException(System.IO.Directory.Exists(path)
                    ? $"no checkpoint in '{path}' (expected a checkpoint folder with {ManifestFile}, or a run folder with {Folder}/step-*/{ManifestFile})"
                    : $"checkpoint folder not found: '{path}'");
        }

        Verify(directory);
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(directory, StateFile)), Json)
            ?? throw new ZooUserException($"{Path.Combine(directory, StateFile)}: empty trainer state");
        return new CheckpointInfo(directory, state);
    }

    /// <summary>Checks every file of a checkpoint against its manifest.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <exception cref="ZooUserException">A missing file, a malformed manifest, or a hash mismatch.</exception>
    public static void Verify(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string manifest = Path.Combine(directory, ManifestFile);
        var entries = File.ReadAllLines(manifest).Where(l => l.Length > 0).Select(l => l.Split("  ", 2)).ToArray();
        if (entries.Length == 0 || entries.Any(e => e.Length != 2) || !new[] { ModelFile, OptimizerFile, StateFile }.All(f => entries.Any(e => e[1] == f)))
        {
            throw new ZooUserException($"checkpoint {directory} is corrupted: {ManifestFile} is malformed (expected 'sha256  file' lines for {ModelFile}, {OptimizerFile}, {StateFile})");
        }

        foreach (var entry in entries)
        {
            string file = Path.Combine(directory, entry[1]);
            if (!File.Exists(file))
            {
                throw new ZooUserException($"checkpoint {directory} is incomplete: {entry[1]} is missing");
            }

            string actual = Sha256(file);
            if (!string.Equals(actual, entry[0], StringComparison.OrdinalIgnoreCase))
            {
                var earlier = Complete(Path.GetDirectoryName(Path.GetFullPath(directory))!).Where(d => string.CompareOrdinal(d, Path.GetFullPath(directory)) < 0).LastOrDefault();
                throw new ZooUserException(
                    $"checkpoint {directory} is corrupted: {entry[1]} has SHA-256 {actual}, the manifest says {entry[0]}" +
                    (earlier is null ? string.Empty : $"; an earlier checkpoint is {earlier} (pass it to --resume)"));
            }
        }
    }

    /// <summary>The lowercase hex SHA-256 of a file.</summary>
    /// <param name="path">The file.</param>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private void Write(string path, Action<string> write)
    {
        write(path);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Flush(flushToDisk: true);
        }

        _afterFileWritten?.Invoke(path);
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
