using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using CrossLMM.Zoo.Engine;
using static TorchSharp.torch;

namespace CrossLMM.Testing;

/// <summary>
/// Runs a Python snippet under the reference PyTorch — Debian's <c>/usr/bin/python3</c> with
/// <c>python3-torch</c> (1.13.1), not whatever <c>python3</c> is first on PATH — on inputs passed from C#,
/// and returns the snippet's outputs as tensors. Use it to check the engine and the blocks against PyTorch
/// on identical inputs:
/// <code>
/// using var x = torch.randn(4, 8);
/// using var r = PyTorchReference.Run("outputs['y'] = F.gelu(inputs['x'], approximate='tanh')", ("x", x));
/// using var y = nn.functional.gelu(x, approximate: "tanh");
/// TensorAssert.AllClose(r["y"], y, rtol: 1e-5, atol: 1e-6);
/// </code>
/// <para><b>The snippet</b> is dedented and executed with these names in scope: <c>torch</c>, <c>nn</c>
/// (<c>torch.nn</c>), <c>F</c> (<c>torch.nn.functional</c>), <c>math</c>, <c>inputs</c> (a dict from name to
/// CPU tensor, same dtype and shape as given) and <c>outputs</c> (an empty dict to fill). Output values
/// may be tensors (any supported dtype, any layout, any device; gradients are dropped) or Python
/// numbers (a float becomes a float64 scalar tensor, an int an int64 one, a bool a bool one). Whatever
/// the snippet prints is available as <see cref="ReferenceResult.Stdout"/>.</para>
/// <para><b>Exchange</b>: inputs and outputs travel as safetensors files in a fresh temporary folder
/// (deleted afterwards; set <c>CROSSLMM_KEEP_REFERENCE=1</c> to keep it and find its path in the
/// result). The Python side uses a small pure-Python reader/writer (json + struct + torch.frombuffer),
/// so the <c>safetensors</c> package is not needed. Dtypes: bool, uint8, int8, int16, int32, int64,
/// float16, bfloat16, float32, float64.</para>
/// <para><b>Cost</b>: one Python process per call, about 0.7 s (mostly <c>import torch</c>). Batch several
/// checks into one snippet where sensible.</para>
/// <para><b>Failures</b> throw <see cref="PyTorchReferenceException"/> with the Python traceback (line
/// numbers refer to the snippet), stderr and stdout; a missing interpreter or torch throws one whose
/// message starts with "/usr/bin/python3 with torch not found: run ./zoo.sh setup".</para>
/// <para>Thread-safe: concurrent calls use separate folders and processes.</para>
/// </summary>
public static class PyTorchReference
{
    /// <summary>The interpreter that has Debian's python3-torch.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>How long one snippet may run before it is killed (default 120 s).</summary>
    public static TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(120);

    private static readonly Lazy<(string? Version, string? Problem)> Probe = new(() => ProbeTorch(Interpreter));

    /// <summary>Whether <see cref="Interpreter"/> exists and can import torch (checked once per process).</summary>
    public static bool IsAvailable => Probe.Value.Version is not null;

    /// <summary><c>torch.__version__</c> of the reference (Debian's 1.13.1 reports "1.13.0a0").</summary>
    public static string TorchVersion => Probe.Value.Version ?? throw Unavailable();

    /// <summary>Throws the "not found: run ./zoo.sh setup" exception unless the reference is usable.</summary>
    public static void EnsureAvailable()
    {
        if (!IsAvailable) throw Unavailable();
    }

    /// <summary>Runs <paramref name="snippet"/> with the given named inputs; see the class notes.</summary>
    public static ReferenceResult Run(string snippet, params (string Name, Tensor Value)[] inputs) =>
        Run(snippet, inputs.ToDictionary(i => i.Name, i => i.Value, StringComparer.Ordinal));

    /// <summary>Runs <paramref name="snippet"/> with <paramref name="inputs"/>; see the class notes.</summary>
    /// <exception cref="PyTorchReferenceException">The reference is missing, the snippet failed or timed out.</exception>
    public static ReferenceResult Run(string snippet, IReadOnlyDictionary<string, Tensor>? inputs, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(snippet);
        EnsureAvailable();
        var keep = Environment.GetEnvironmentVariable("CROSSLMM_KEEP_REFERENCE") == "1";
        var dir = Path.Combine(Path.GetTempPath(), "crosslmm-reference-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try {
            File.WriteAllText(Path.Combine(dir, "reference_harness.py"), HarnessSource.Value);
            File.WriteAllText(Path.Combine(dir, "snippet.py"), snippet);
            if (inputs is { Count: > 0 }) Safetensors.Save(Path.Combine(dir, "inputs.safetensors"), inputs);

            var watch = Stopwatch.StartNew();
            var (exit, stdout, stderr, timedOut) = Execute(new[] { Path.Combine(dir, "reference_harness.py"), dir }, timeout ?? DefaultTimeout);
            watch.Stop();
            if (timedOut)
                throw new PyTorchReferenceException($"the PyTorch reference snippet did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s and was killed", snippet, stdout, stderr);
            if (exit != 0)
                throw new PyTorchReferenceException($"the PyTorch reference snippet failed (exit code {exit})", snippet, stdout, stderr);
            var outputs = Safetensors.Load(Path.Combine(dir, "outputs.safetensors"));
            return new ReferenceResult(outputs, stdout, stderr, watch.Elapsed, keep ? dir : null);
        } finally {
            if (!keep) {
                try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static readonly Lazy<string> HarnessSource = new(() => {
        using var stream = typeof(PyTorchReference).Assembly.GetManifestResourceStream("CrossLMM.Testing.reference_harness.py")
            ?? throw new InvalidOperationException("CrossLMM.Testing: the embedded reference_harness.py is missing");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    private static (int Exit, string Stdout, string Stderr, bool TimedOut) Execute(IEnumerable<string> args, TimeSpan timeout, string interpreter = Interpreter)
    {
        var psi = new ProcessStartInfo(interpreter) {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Another interpreter's settings on the environment must not leak into Debian's python.
        foreach (var v in new[] { "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV" }) psi.Environment.Remove(v);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        psi.Environment["PYTHONNOUSERSITE"] = "1";
        using var process = Process.Start(psi) ?? throw new PyTorchReferenceException($"could not start {interpreter}", "", "", "");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout)) {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit();
            return (-1, stdout.Result, stderr.Result, true);
        }
        process.WaitForExit(); // drains the redirected streams
        return (process.ExitCode, stdout.Result, stderr.Result, false);
    }

    /// <summary>Checks whether <paramref name="interpreter"/> can import torch: its version, or what is wrong.</summary>
    internal static (string? Version, string? Problem) ProbeTorch(string interpreter)
    {
        if (!File.Exists(interpreter)) return (null, $"{interpreter} does not exist");
        try {
            var (exit, stdout, stderr, timedOut) = Execute(new[] { "-c", "import torch; print(torch.__version__)" }, TimeSpan.FromSeconds(60), interpreter);
            if (timedOut) return (null, "`import torch` did not finish within 60 s");
            if (exit != 0) return (null, $"`import torch` failed: {LastLine(stderr)}");
            return (stdout.Trim(), null);
        } catch (System.ComponentModel.Win32Exception e) {
            return (null, $"{interpreter} could not be started: {e.Message}");
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    private static PyTorchReferenceException Unavailable() => Unavailable(Interpreter, Probe.Value.Problem);

    internal static PyTorchReferenceException Unavailable(string interpreter, string? problem) =>
        new($"{interpreter} with torch not found: run ./zoo.sh setup (installs python3-torch). Detail: {problem}", "", "", "");
}

/// <summary>The outputs of one <see cref="PyTorchReference.Run(string, IReadOnlyDictionary{string, Tensor}?, TimeSpan?)"/>; disposing it disposes the tensors.</summary>
public sealed class ReferenceResult : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _outputs;

    internal ReferenceResult(Dictionary<string, Tensor> outputs, string stdout, string stderr, TimeSpan elapsed, string? keptFolder)
    {
        _outputs = outputs;
        Stdout = stdout;
        Stderr = stderr;
        Elapsed = elapsed;
        KeptFolder = keptFolder;
    }

    /// <summary>What the snippet printed.</summary>
    public string Stdout { get; }

    /// <summary>What the interpreter wrote to stderr (warnings).</summary>
    public string Stderr { get; }

    /// <summary>Wall time of the Python process.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The exchange folder, when kept with <c>CROSSLMM_KEEP_REFERENCE=1</c>.</summary>
    public string? KeptFolder { get; }

    /// <summary>The output named <paramref name="key"/>; a missing name throws, listing the outputs there are.</summary>
    public Tensor this[string key] => _outputs.TryGetValue(key, out var t)
        ? t
        : throw new KeyNotFoundException($"the reference snippet produced no output '{key}' (outputs: {(_outputs.Count == 0 ? "none" : string.Join(", ", _outputs.Keys.Order(StringComparer.Ordinal)))})");

    public IEnumerable<string> Keys => _outputs.Keys;
    public IEnumerable<Tensor> Values => _outputs.Values;
    public int Count => _outputs.Count;
    public bool ContainsKey(string key) => _outputs.ContainsKey(key);
    public bool TryGetValue(string key, out Tensor value) => _outputs.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _outputs.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every output tensor.</summary>
    public void Dispose()
    {
        foreach (var t in _outputs.Values) t.Dispose();
    }
}

/// <summary>The PyTorch reference could not run or its snippet failed; the message holds the traceback.</summary>
public sealed class PyTorchReferenceException : Exception
{
    public PyTorchReferenceException(string problem, string snippet, string stdout, string stderr)
        : base(Compose(problem, snippet, stdout, stderr))
    {
        Snippet = snippet;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The snippet that ran.</summary>
    public string Snippet { get; }

    /// <summary>Its standard output.</summary>
    public string Stdout { get; }

    /// <summary>Its standard error (the traceback, for a failed snippet).</summary>
    public string Stderr { get; }

    private static string Compose(string problem, string snippet, string stdout, string stderr)
    {
        var sb = new StringBuilder(problem);
        if (stderr.Length > 0) sb.Append("\n--- stderr ---\n").Append(stderr.TrimEnd());
        if (stdout.Length > 0) sb.Append("\n--- stdout ---\n").Append(stdout.TrimEnd());
        if (snippet.Length > 0) {
            sb.Append("\n--- snippet ---");
            var lines = snippet.Replace("\r\n", "\n").Split('\n');
            for (var i = 0; i < lines.Length; i++) sb.Append('\n').Append($"{i + 1,4}  ").Append(lines[i]);
        }
        return sb.ToString();
    }
}
