namespace GiantVm.Ctl.Tests;

/// <summary>Runs giantvmctl in-process with captured stdout/stderr.</summary>
internal sealed record CtlRun(int ExitCode, string Out, string Error)
{
    public static CtlRun Of(params string[] args) => WithInput("", args);

    public static CtlRun WithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CtlApp(output, error, new StringReader(stdin)).Run(args);
        return new CtlRun(code, output.ToString(), error.ToString());
    }
}

/// <summary>A temporary folder for input files, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "giantvmctl-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name, string content)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
