using System.Runtime.CompilerServices;

// The engine's own tests reach internal seams (fault injection in Safetensors, native handles).
[assembly: InternalsVisibleTo("CrossLMM.Torch.Tests")]
