// Placeholder entry point: replaced by the issue that builds this binary.
Console.Error.WriteLine("not implemented yet");
return 2;
