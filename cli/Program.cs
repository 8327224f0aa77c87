// The `zoo` command: ./zoo.sh <args> runs it (dotnet run --project cli/CrossLMM.Zoo.Cli.csproj -- <args>).
try
{
    // Before any torch call: TorchSharp's natives, with the Debian 12 libstdc++ fix where it is needed.
    CrossLMM.Zoo.Engine.Native.TorchNativeLoader.EnsureLoaded();
}
catch (CrossLMM.Zoo.Engine.Native.TorchNativeException e)
{
    System.Console.Error.WriteLine($"zoo: {e.Message}");
    return 1;
}

return CrossLMM.Zoo.Cli.ZooCli.Run(args);
