namespace GiantVm.EndToEnd.Tests.Infrastructure;

/// <summary>Waits on a condition with a timeout (never a fixed sleep): polls every 100 ms.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, Func<string>? explain = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            T? value = null;
            try
            {
                value = await probe();
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or Grpc.Core.RpcException or InvalidOperationException)
            {
                // not there yet
            }

            if (value is not null)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {what}" + (explain is null ? "" : $"; {explain()}"));
            }

            await Task.Delay(100);
        }
    }

    public static Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? explain = null) =>
        WaitAsync(() => Task.FromResult(condition() ? "ok" : null), timeout, what, explain);

    public static Task WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? explain = null) =>
        WaitAsync(async () => await condition() ? "ok" : null, timeout, what, explain);
}
