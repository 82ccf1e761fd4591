namespace Mft.Tests;

/// <summary>Tests that redirect the process's console must not overlap.</summary>
[CollectionDefinition("console", DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>Tests that measure process-wide memory run alone, so other tests' allocations do not count.</summary>
[CollectionDefinition("memory", DisableParallelization = true)]
public sealed class MemoryCollection;

/// <summary>
/// Tests that run TorchSharp custom autograd functions (activation checkpointing) run alone: a backward pass that calls
/// back into managed code while other tests free tensors on other threads is the one place native memory is shared
/// across tests. A CI run crashed once in libtorch while they were new. The cause was most likely a temporary tensor freed
/// by its finalizer during a native call (docs/runtime.md, now fixed); they stay apart, which costs little.
/// </summary>
[CollectionDefinition("autograd", DisableParallelization = true)]
public sealed class AutogradCollection;

/// <summary>
/// Tests that train several runs at once in one process (the demo's and the sweep's workers) run alone: with other
/// tests beside them, three or more threads would drive libtorch at once, whose thread pools are process-wide.
/// </summary>
[CollectionDefinition("workers", DisableParallelization = true)]
public sealed class WorkersCollection;
