using System.Collections.Concurrent;

namespace EdgeGateway.Core.Outbox;

/// <summary>
/// Threads of their own for the store calls <see cref="StoreDeadline"/> waits on (the caller blocks on each, so not the
/// pool's: two blocked pool threads on a 2-core Pi would wait for the pool to grow before the call even starts), kept
/// between calls: starting a thread per call cost more than an append's CPU work on the press path. A thread whose
/// call overran its deadline stays with that call until it returns; a call meanwhile gets another thread.
/// </summary>
internal sealed class StoreThreads
{
    /// <summary>Threads kept waiting for calls, at most: the writer, the forwarder and the health loop call at once.</summary>
    public const int MaxIdle = 4;

    private readonly ConcurrentStack<Worker> _idle = new();
    private int _started;

    /// <summary>One for the process: idle threads are shared by every store.</summary>
    public static StoreThreads Shared { get; } = new();

    /// <summary>Threads started since the process began (for tests: calls reuse them).</summary>
    public int Started => Volatile.Read(ref _started);

    /// <summary>Runs <paramref name="call"/> on a kept thread, or a new one if none is idle.</summary>
    public Task<T> Run<T>(Func<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var outcome = new TaskCompletionSource<T>();
        if (!_idle.TryPop(out var worker))
        {
            Interlocked.Increment(ref _started);
            worker = new Worker();
        }

        worker.Give(self =>
        {
            T result;
            try
            {
                result = call();
            }
            catch (Exception ex)
            {
                // Idle again before the caller wakes, so its next call finds this thread.
                Keep(self);
                outcome.SetException(ex);
                return;
            }

            Keep(self);
            outcome.SetResult(result);
        });
        return outcome.Task;
    }

    private void Keep(Worker worker)
    {
        if (_idle.Count < MaxIdle)
        {
            _idle.Push(worker);
        }
        else
        {
            worker.Retire();
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _given = new(0);
        private Action<Worker>? _work;
        private bool _retired;

        public Worker()
        {
            new Thread(Loop) { IsBackground = true, Name = "outbox store call" }.Start();
        }

        public void Give(Action<Worker> work)
        {
            Volatile.Write(ref _work, work);
            _given.Release();
        }

        /// <summary>Ends the thread after the call it runs (enough are idle).</summary>
        public void Retire() => _retired = true;

        private void Loop()
        {
            while (true)
            {
                _given.Wait();
                var work = Interlocked.Exchange(ref _work, null)!;
                work(this);
                if (_retired)
                {
                    return;
                }
            }
        }
    }
}
