namespace TorchSharp;

/// <summary>How GELU is computed: exactly, or with the tanh approximation.</summary>
public enum GELUApproximate
{
    none,
    tanh,
}
