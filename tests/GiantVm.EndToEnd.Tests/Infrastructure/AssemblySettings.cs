// Process tests start a whole emulated cluster each; run them one at a time on 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
