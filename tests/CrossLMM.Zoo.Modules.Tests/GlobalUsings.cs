global using CrossLMM.Zoo.Configs;
global using FsCheck.Xunit;
global using Xunit;
