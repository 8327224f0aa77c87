using Xunit;

// One test at a time: each kernel run starts a .NET Interactive kernel and compiles every cell, which on 2 cores
// is best left alone by the training tests; the kernel runs dominate the time anyway.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
