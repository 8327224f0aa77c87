// The `zoo` command: ./zoo.sh <args> runs it (dotnet run --project cli/CrossLMM.Zoo.Cli.csproj -- <args>).
return CrossLMM.Zoo.Cli.ZooCli.Run(args);
