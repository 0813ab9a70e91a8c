namespace TensorPool.Agents;

/// <summary>
/// Drives an <see cref="IAgent"/> from the application's own thread: call <see cref="Invoke"/>
/// from your loop. The first call runs OnStart; <see cref="Dispose"/> runs OnClose.
/// </summary>
public sealed class AgentInvoker : IDisposable
{
    private readonly IAgent _agent;
    private readonly Action<Exception> _errorHandler;
    private bool _started;
    private bool _closed;

    public AgentInvoker(IAgent agent, Action<Exception> errorHandler)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(errorHandler);
        _agent = agent;
        _errorHandler = errorHandler;
    }

    public IAgent Agent => _agent;

    public bool IsClosed => _closed;

    /// <summary>Run one duty cycle; returns the work done. Exceptions go to the error handler.</summary>
    public int Invoke()
    {
        if (_closed)
        {
            return 0;
        }
        if (!_started)
        {
            _started = true;
            try
            {
                _agent.OnStart();
            }
            catch (Exception e)
            {
                _errorHandler(e);
                _closed = true;
                return 0;
            }
        }
        try
        {
            return _agent.DoWork();
        }
        catch (Exception e)
        {
            _errorHandler(e);
            return 0;
        }
    }

    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        if (_started)
        {
            try
            {
                _agent.OnClose();
            }
            catch (Exception e)
            {
                _errorHandler(e);
            }
        }
    }
}
