using System.Runtime.CompilerServices;

namespace TensorPool.Agents;

/// <summary>
/// Runs an <see cref="IAgent"/> on a dedicated thread: OnStart, duty cycles with an idle strategy
/// until closed, then OnClose. Exceptions from a duty cycle go to the error handler and the agent
/// keeps running (as in Aeron); an exception from OnStart ends the run.
/// </summary>
public sealed class AgentRunner : IDisposable
{
    private readonly IAgent _agent;
    private readonly IIdleStrategy _idle;
    private readonly Action<Exception> _errorHandler;
    private readonly Thread _thread;
    private volatile bool _running = true;
    private int _started;

    public AgentRunner(IAgent agent, IIdleStrategy idleStrategy, Action<Exception> errorHandler)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(idleStrategy);
        ArgumentNullException.ThrowIfNull(errorHandler);
        _agent = agent;
        _idle = idleStrategy;
        _errorHandler = errorHandler;
        _thread = new Thread(Run) { IsBackground = true, Name = agent.RoleName };
    }

    public IAgent Agent => _agent;

    /// <summary>True until <see cref="Dispose"/> has been called.</summary>
    public bool IsRunning => _running;

    /// <summary>The runner's thread, once started.</summary>
    public Thread Thread => _thread;

    /// <summary>Start the agent's thread (once).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"agent '{_agent.RoleName}' was already started");
        }
        _thread.Start();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a long-running loop: no tier-0 code, no on-stack replacement stall mid-run (D242)
    private void Run()
    {
        try
        {
            _agent.OnStart();
        }
        catch (Exception e)
        {
            _errorHandler(e);
            _running = false;
            return;
        }

        while (_running)
        {
            int work;
            try
            {
                work = _agent.DoWork();
            }
            catch (Exception e)
            {
                _errorHandler(e);
                work = 0;
            }
            _idle.Idle(work);
        }

        try
        {
            _agent.OnClose();
        }
        catch (Exception e)
        {
            _errorHandler(e);
        }
    }

    /// <summary>Stop the duty cycle and wait (up to the timeout) for OnClose to finish.</summary>
    public bool Close(TimeSpan timeout)
    {
        _running = false;
        // A thread asleep between duty cycles returns now and sees the flag (not at its next timer).
        (_idle as WaitingIdleStrategy)?.Wake();
        if (Volatile.Read(ref _started) == 0 || _thread == Thread.CurrentThread)
        {
            return true;
        }
        return _thread.Join(timeout);
    }

    public void Dispose() => Close(TimeSpan.FromSeconds(10));
}
