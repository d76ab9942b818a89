namespace EdgeGateway.TestKit;

/// <summary>Busy threads that keep every core spinning until disposed: a machine under load, for tests that must hold up under it.</summary>
public sealed class CpuLoad : IDisposable
{
    private readonly Thread[] _threads;
    private volatile bool _stop;

    public CpuLoad(int threads)
    {
        _threads = [.. Enumerable.Range(0, threads).Select(i => new Thread(Spin) { IsBackground = true, Name = $"cpu-load-{i}" })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    public void Dispose()
    {
        _stop = true;
        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }

    private void Spin()
    {
        var x = 0UL;
        while (!_stop)
        {
            // Work the JIT cannot drop: the loop is the load.
            x = (x * 6364136223846793005UL) + 1442695040888963407UL;
        }

        GC.KeepAlive(x);
    }
}
