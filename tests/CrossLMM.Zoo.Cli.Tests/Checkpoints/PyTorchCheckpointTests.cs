using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using CrossLMM.Testing;
using CrossLMM.Zoo.Cli.Tests.Support;
using CrossLMM.Zoo.Engine;
using CrossLMM.Zoo.Tools;
using CrossLMM.Zoo.Tools.Catalog;
using CrossLMM.Zoo.Tools.Checkpoints;

namespace CrossLMM.Zoo.Cli.Tests.Checkpoints;

/// <summary>
/// PyTorch checkpoints (<c>pytorch_model.bin</c>, <c>.pth</c>) written by Debian's torch 1.13 read back exactly, load a
/// Qwen2 folder like safetensors do, and never run pickled code: a crafted <c>os.system</c> pickle is refused by name.
/// </summary>
public class PyTorchCheckpointTests
{
    [Fact]
    public void TorchSave_DtypesStridesSharedStoragesAndOffsets_ReadBackExactly()
    {
        using var dir = new TempDir();
        string path = dir.File("weights.pth"), legacy = dir.File("legacy.pth");
        string module = dir.File("module.bin");
        // Every tensor also comes back through the harness's safetensors outputs (made contiguous), the expected values.
        using var reference = PyTorchReference.Run($$"""
            g = torch.Generator().manual_seed(7)
            base = torch.randn(6, 5, generator=g)
            sd = {
                "f32": torch.randn(3, 4, generator=g),
                "f16": torch.randn(2, 3, 4, generator=g).half(),
                "bf16": torch.randn(5, 7, generator=g).bfloat16(),
                "f64": torch.randn(4, generator=g).double(),
                "i64": torch.randint(-2**40, 2**40, (3, 2), generator=g),
                "i32": torch.randint(-1000, 1000, (7,), generator=g, dtype=torch.int32),
                "u8": torch.randint(0, 255, (2, 2), generator=g, dtype=torch.uint8),
                "mask": torch.randn(3, 3, generator=g) > 0,
                "scalar": torch.tensor(3.25),
                "empty": torch.zeros(0, 4),
                "base": base,
                "transposed": base.t(),                 # non-contiguous view of base's storage
                "rows": base[2:5],                      # a storage offset into the same storage
                "column": base[:, 3],                   # strided, offset
                "own_offset": torch.arange(20.0)[7:13].view(2, 3),   # its own storage, saved whole with an offset
            }
            assert sd["transposed"].storage().data_ptr() == sd["base"].storage().data_ptr()
            torch.save(sd, r"{{path}}")
            torch.save(sd, r"{{legacy}}", _use_new_zipfile_serialization=False)   # the format before PyTorch 1.6
            torch.save(nn.Sequential(nn.Linear(3, 4), nn.LayerNorm(4)).state_dict(), r"{{module}}")   # an OrderedDict with _metadata
            for k, v in sd.items():
                outputs[k] = v.contiguous()
            for k, v in torch.load(r"{{module}}").items():
                outputs["module." + k] = v
            """, (IReadOnlyDictionary<string, Tensor>?)null);

        foreach (string file in new[] { path, legacy })
        {
            using var weights = CheckpointWeights.OpenFile(file);
            var expectedKeys = reference.Keys.Where(k => !k.StartsWith("module.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
            Assert.Equal(expectedKeys, weights.Keys);
            foreach (string key in weights.Keys)
            {
                using var actual = weights.Read(key);
                Assert.True(actual.is_contiguous(), key);
                Assert.Equal(reference[key].shape, weights.Shape(key));
                Assert.Equal(reference[key].dtype, weights.Dtype(key));
                TensorAssert.Equal(reference[key], actual, $"{Path.GetFileName(file)}: {key}");
            }
        }

        using (var weights = CheckpointWeights.OpenFile(module))
        {
            Assert.Equal(new[] { "0.bias", "0.weight", "1.bias", "1.weight" }, weights.Keys);
            foreach (string key in weights.Keys)
            {
                using var actual = weights.Read(key);
                TensorAssert.Equal(reference["module." + key], actual, key);
            }
        }
    }

    [Fact]
    public void Qwen2Folder_WithPytorchModelBin_LoadsLikeSafetensors_AndSafetensorsArePreferred()
    {
        using var dir = new TempDir();
        string safe = dir.File("safe"), single = dir.File("bin"), sharded = dir.File("sharded");
        TestCheckpoints.Write(safe);
        var tensors = Safetensors.Load(Path.Combine(safe, "model.safetensors"));
        try
        {
            foreach (string folder in new[] { single, sharded })
            {
                Directory.CreateDirectory(folder);
                foreach (string name in new[] { "config.json", "tokenizer.json", "tokenizer_config.json" })
                {
                    File.Copy(Path.Combine(safe, name), Path.Combine(folder, name));
                }
            }

            // The same weights through torch.save: one file, and two shards with HF's index; plus a decoy .bin (zeros)
            // beside the safetensors, which must not be read.
            using (PyTorchReference.Run($$"""
                import json
                sd = dict(inputs)
                torch.save(sd, r"{{Path.Combine(single, "pytorch_model.bin")}}")
                keys = sorted(sd)
                shards = {"pytorch_model-00001-of-00002.bin": keys[: len(keys) // 2], "pytorch_model-00002-of-00002.bin": keys[len(keys) // 2 :]}
                for name, ks in shards.items():
                    torch.save({k: sd[k] for k in ks}, r"{{sharded}}" + "/" + name)
                with open(r"{{Path.Combine(sharded, "pytorch_model.bin.index.json")}}", "w") as f:
                    weight_map = {k: n for n, ks in shards.items() for k in ks}
                    json.dump({"metadata": {}, "weight_map": weight_map}, f)
                torch.save({k: torch.zeros_like(v) for k, v in sd.items()}, r"{{Path.Combine(safe, "pytorch_model.bin")}}")
                """, tensors))
            {
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }

        using var noGrad = torch.no_grad();
        using var ids = torch.tensor(new long[] { 151644, 872, 198, 9707, 11, 1879, 0, 151645 }, new long[] { 1, 8 });
        using var expected = Qwen2Checkpoint.Load(safe);
        Assert.Equal(new[] { "model.safetensors" }, expected.Files.Select(Path.GetFileName));
        using var expectedLogits = expected.Model.call(ids, null);
        foreach (var (folder, files) in new[] { (single, "pytorch_model.bin"), (sharded, "pytorch_model-00001-of-00002.bin, pytorch_model-00002-of-00002.bin") })
        {
            using var loaded = Qwen2Checkpoint.Load(folder);
            Assert.Equal(files, string.Join(", ", loaded.Files.Select(Path.GetFileName)));
            Assert.Equal(expected.Report.Loaded, loaded.Report.Loaded);
            var state = loaded.Model.state_dict();
            foreach (var (key, value) in expected.Model.state_dict())
            {
                TensorAssert.Equal(value, state[key], key);
            }

            using var logits = loaded.Model.call(ids, null);
            TensorAssert.AllClose(expectedLogits, logits, rtol: 1e-6, atol: 1e-6);
        }

        var run = ZooCommand.Run("generate", "--checkpoint", single, "--prompt", "hi", "--max-new-tokens", "2");
        Assert.True(run.Code == 0, run.Err);
    }

    [Fact]
    public void RunWeights_PthFile_GivesTheSameTopTokensAsSafetensors()
    {
        using var dir = new TempDir();
        string video = TestVideo.Create(dir.File("testsrc.mp4"));
        string safe = dir.File("seed5.safetensors"), pth = dir.File("seed5.pth");
        int count;
        using (var model = ZooCatalog.Build(Zoo.Config("pool-only", "tiny"), seed: 5))
        {
            var state = model.state_dict();
            count = state.Count;
            Safetensors.Save(safe, state);
            using (PyTorchReference.Run($$"""torch.save(dict(inputs), r"{{pth}}")""", state))
            {
            }
        }

        var fromSafetensors = ZooCommand.Run("run", "pool-only", "--video", video, "--frames", "2", "--seed", "0", "--weights", safe);
        var fromPth = ZooCommand.Run("run", "pool-only", "--video", video, "--frames", "2", "--seed", "0", "--weights", pth);
        Assert.True(fromPth.Code == 0, fromPth.Err);
        Assert.Contains($"weights: {count} tensors, {count} loaded, 0 missing, 0 unexpected", fromPth.Out);
        Assert.NotEmpty(Commands.RunCommandTests.TopRows(fromPth));
        Assert.Equal(Commands.RunCommandTests.TopRows(fromSafetensors), Commands.RunCommandTests.TopRows(fromPth));
    }

    [Theory]
    [InlineData("torch", "posix.system")]     // torch.save's own zip layout (protocol 2, GLOBAL)
    [InlineData("legacy", "posix.system")]    // torch.save's pre-1.6 layout: the payload in the fourth pickle
    [InlineData("pickle", "posix.system")]    // a bare pickle.dump (protocol 4, STACK_GLOBAL)
    [InlineData("eval", "__builtin__.eval")]  // protocol 2 names Python 3's builtins by their Python 2 module
    public void CraftedPickle_IsRejectedNamingTheGlobal_AndNeverRuns(string how, string global)
    {
        using var dir = new TempDir();
        TestCheckpoints.Write(dir.Path);
        File.Delete(Path.Combine(dir.Path, "model.safetensors"));
        string marker = Path.Combine(dir.Path, "PWNED");
        string bin = Path.Combine(dir.Path, "pytorch_model.bin");
        // What torch.load(weights_only=False) would execute on loading: a shell command that creates the marker.
        using (PyTorchReference.Run($$"""
            import os, pickle, builtins
            class Payload:
                def __reduce__(self):
                    if "{{how}}" == "eval":
                        return (builtins.eval, ("__import__('os').system('touch {{marker}}')",))
                    return (os.system, ("touch {{marker}}",))
            sd = {"model.norm.weight": Payload(), "model.embed_tokens.weight": torch.zeros(2)}
            if "{{how}}" == "pickle":
                with open(r"{{bin}}", "wb") as f:
                    pickle.dump(sd, f)
            else:
                torch.save(sd, r"{{bin}}", _use_new_zipfile_serialization="{{how}}" != "legacy")
            """, (IReadOnlyDictionary<string, Tensor>?)null))
        {
        }

        Assert.False(File.Exists(marker));
        string line = ZooCommand.Run("generate", "--checkpoint", dir.Path, "--prompt", "hi", "--max-new-tokens", "2").AssertOneLineError(1, $"refers to the Python global '{global}'");
        Assert.Contains("pytorch_model.bin", line);
        ZooCommand.Run("show", "--checkpoint", dir.Path).AssertOneLineError(1, $"'{global}'");
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void LegacyFormat_TruncatedOrInconsistent_NamesTheStorage_AndTrainingCheckpointsAreRefused()
    {
        using var dir = new TempDir();
        string path = dir.File("old.pth"), truncated = dir.File("truncated.pth"), training = dir.File("training.pth");
        using (PyTorchReference.Run($$"""
            torch.save({"w": torch.arange(64.0)}, r"{{path}}", _use_new_zipfile_serialization=False)
            model = nn.Linear(2, 2)
            torch.save({"model": model.state_dict(), "optimizer": torch.optim.SGD(model.parameters(), lr=0.1).state_dict(), "epoch": 3}, r"{{training}}")
            """, (IReadOnlyDictionary<string, Tensor>?)null))
        {
        }

        var notFlat = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(training));
        Assert.Contains("is not a flat state dict: the entry 'model' holds a dict, not a tensor (save model.state_dict() itself)", notFlat.Message);

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(truncated, bytes[..^100]);
        var e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(truncated));
        Assert.Matches(@"the storage '\d+' needs 256 bytes from byte \d+, but the file ends at \d+ \(truncated\)", e.Message);

        // The element count stored before the data disagrees with the pickle's (64 Float32).
        bytes[^264] ^= 0x01;
        File.WriteAllBytes(truncated, bytes);
        e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(truncated));
        Assert.Matches(@"the storage '\d+' is declared with 64 Float32 elements, but the file stores 65", e.Message);

        // Cut inside the last pickle (the storage keys).
        File.WriteAllBytes(truncated, bytes[..^300]);
        e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(truncated));
        Assert.Contains("the pickle is truncated at offset", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, 0xff }, "unsupported pickle opcode 0xff at offset 2")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'(', (byte)'i', (byte)'o', (byte)'s', 10, (byte)'s', 10 }, "unsupported pickle opcode 0x69 ('i') at offset 3")]   // INST
    [InlineData(new byte[] { 0x80, 0x02, (byte)'X', 0xff, 0xff, 0xff, 0x7f }, "malformed pickle at offset 2: a string of 2147483647 bytes reaches past the end")]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'}', (byte)'h', 9 }, "memo entry 9 is read before it is written")]
    public void BadOpcodes_AreErrorsNamingOpcodeAndOffset(byte[] pickle, string message)
    {
        using var dir = new TempDir();
        string path = WriteZip(dir.File("bad.bin"), pickle, new Dictionary<string, byte[]>());
        var e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(path));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void ContainerFlood_IsRefusedBeforeExhaustingMemory()
    {
        // 10,000,001 × (EMPTY_LIST, POP): 20 MB of pickle that would build ten million lists.
        using var dir = new TempDir();
        var pickle = new byte[2 + 2 * 10_000_001];
        pickle[0] = 0x80;
        pickle[1] = 0x02;
        for (int i = 2; i < pickle.Length; i += 2)
        {
            pickle[i] = (byte)']';
            pickle[i + 1] = (byte)'0';
        }

        string path = WriteZip(dir.File("flood.bin"), pickle, new Dictionary<string, byte[]>(), CompressionLevel.Optimal);
        var e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(path));
        Assert.Contains("the pickle builds more than 10000000 tuples, lists and dicts at offset 20000002", e.Message);
    }

    [Fact]
    public void SizesBeyondTheStorage_AreRefusedBeforeAllocating_NamingTensorAndSizes()
    {
        using var dir = new TempDir();
        var storage = new byte[16];   // four float32
        string tooBig = WriteZip(dir.File("shape.bin"), StateDict("w", numel: 4, size: new[] { 3, 3 }, stride: new[] { 3, 1 }), new() { ["0"] = storage });
        var e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(tooBig));
        Assert.Contains("the tensor 'w' of shape (3, 3) (stride (3, 1), offset 0) needs 9 Float32 elements (36 bytes), but its storage '0' holds 4 (16 bytes)", e.Message);

        string lying = WriteZip(dir.File("storage.bin"), StateDict("w", numel: 1 << 30, size: new[] { 2 }, stride: new[] { 1 }), new() { ["0"] = storage });
        e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(lying));
        Assert.Contains("the storage '0' claims 1073741824 Float32 elements (4294967296 bytes), but its zip entry holds 16 bytes", e.Message);

        string fine = WriteZip(dir.File("fine.bin"), StateDict("w", numel: 4, size: new[] { 2, 2 }, stride: new[] { 1, 2 }), new() { ["0"] = new byte[] { 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64 } });
        using var weights = CheckpointWeights.OpenFile(fine);
        using var w = weights.Read("w");
        TensorAssert.Equal(torch.tensor(new float[] { 1, 3, 2, 4 }, new long[] { 2, 2 }), w);
    }

    [Fact]
    public void TruncatedOrCorruptZip_IsAClearError()
    {
        using var dir = new TempDir();
        string good = dir.File("good.bin"), truncated = dir.File("truncated.bin"), corrupt = dir.File("corrupt.bin");
        var data = new byte[4096];
        WriteZip(good, StateDict("w", numel: 1024, size: new[] { 1024 }, stride: new[] { 1 }), new() { ["0"] = data }, CompressionLevel.Optimal);
        var bytes = File.ReadAllBytes(good);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<ZooUserException>(() => CheckpointWeights.OpenFile(truncated));
        Assert.Contains("is not a readable zip archive (truncated or corrupt PyTorch checkpoint)", e.Message);

        // Damage the deflated storage: the index still opens, reading the tensor fails with its name.
        var damaged = (byte[])bytes.Clone();
        int dataStart = FindEntryData(damaged, "archive/data/0");
        for (int i = 0; i < 8; i++) damaged[dataStart + i] ^= 0x5a;
        File.WriteAllBytes(corrupt, damaged);
        using var weights = CheckpointWeights.OpenFile(corrupt);
        e = Assert.Throws<ZooUserException>(() => weights.Read("w"));
        Assert.Contains("cannot read the storage of 'w' (archive/data/0)", e.Message);
    }

    // A protocol-2 state dict {name: _rebuild_tensor_v2(FloatStorage '0' of numel, 0, size, stride, False, OrderedDict())}, as torch.save writes it.
    private static byte[] StateDict(string name, long numel, int[] size, int[] stride)
    {
        var p = new List<byte> { 0x80, 0x02, (byte)'}' };
        void Str(string s)
        {
            var b = Encoding.UTF8.GetBytes(s);
            p.Add((byte)'X');
            p.AddRange(System.BitConverter.GetBytes(b.Length));
            p.AddRange(b);
        }

        void Int(long v)
        {
            p.Add((byte)'J');
            p.AddRange(System.BitConverter.GetBytes(checked((int)v)));
        }

        void Global(string module, string n) => p.AddRange(Encoding.ASCII.GetBytes($"c{module}\n{n}\n"));
        void Tuple(int[] values)
        {
            p.Add((byte)'(');
            foreach (int v in values) Int(v);
            p.Add((byte)'t');
        }

        Str(name);
        Global("torch._utils", "_rebuild_tensor_v2");
        p.Add((byte)'(');
        p.Add((byte)'(');
        Str("storage");
        Global("torch", "FloatStorage");
        Str("0");
        Str("cpu");
        if (numel > int.MaxValue)
        {
            p.AddRange(new byte[] { 0x8a, 8 });
            p.AddRange(System.BitConverter.GetBytes(numel));
        }
        else
        {
            Int(numel);
        }

        p.Add((byte)'t');
        p.Add((byte)'Q');
        Int(0);
        Tuple(size);
        Tuple(stride);
        p.Add(0x89);
        Global("collections", "OrderedDict");
        p.Add((byte)')');
        p.Add((byte)'R');
        p.Add((byte)'t');
        p.Add((byte)'R');
        p.Add((byte)'s');
        p.Add((byte)'.');
        return p.ToArray();
    }

    private static string WriteZip(string path, byte[] pickle, Dictionary<string, byte[]> storages, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Add(string name, byte[] bytes)
        {
            using var s = zip.CreateEntry(name, level).Open();
            s.Write(bytes);
        }

        Add("archive/data.pkl", pickle);
        Add("archive/byteorder", Encoding.ASCII.GetBytes("little"));
        foreach (var (key, bytes) in storages) Add("archive/data/" + key, bytes);
        return path;
    }

    // Where an entry's data starts: after its local header (30 bytes, the name and the extra field).
    private static int FindEntryData(byte[] zip, string name)
    {
        var header = new byte[] { (byte)'P', (byte)'K', 3, 4 };
        for (int i = 0; i + 30 < zip.Length; i++)
        {
            if (!zip.AsSpan(i, 4).SequenceEqual(header)) continue;
            int nameLength = System.BitConverter.ToUInt16(zip, i + 26), extra = System.BitConverter.ToUInt16(zip, i + 28);
            if (Encoding.ASCII.GetString(zip, i + 30, nameLength) == name) return i + 30 + nameLength + extra;
        }

        throw new Xunit.Sdk.XunitException($"no entry '{name}' in the zip");
    }
}
