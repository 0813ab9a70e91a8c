using TensorPool.Aeron.Native.Internal;
using TensorPool.Transport.Aeron.Internal;

namespace TensorPool.Transport.Aeron;

/// <summary>Creates an <see cref="AeronTransport"/> from the settings of a client or driver (<see cref="TransportProviders"/>).</summary>
public sealed class AeronTransportProvider : ITransportProvider
{
    public ITransport Create(TransportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AeronTransport(OptionsFrom(settings));
    }

    /// <summary>
    /// What <see cref="AeronTransport"/>'s constructor checks before it connects: the channel (<see cref="AeronChannel.Check"/>),
    /// the options, that libaeron (and libaeron_driver for an embedded media driver) loads, and that the Aeron directory
    /// may be used. No media driver is needed.
    /// </summary>
    public string? Check(string channel, TransportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? problem = AeronChannel.Check(channel);
        if (problem is not null)
        {
            return problem;
        }
        AeronTransportOptions options = OptionsFrom(settings);
        try
        {
            options.Validate();
            AeronLibrary.LoadClient(options.LibraryPath);
            if (options.EmbeddedMediaDriver)
            {
                AeronLibrary.LoadDriver((options.MediaDriver ?? new AeronMediaDriverOptions()).LibraryPath);
            }
            return AeronDirectory.Check(options.EffectiveAeronDir ?? AeronDirectory.DefaultPath());
        }
        catch (Exception e) when (e is ArgumentException or DllNotFoundException or AeronException)
        {
            return e.Message;
        }
    }

    private static AeronTransportOptions OptionsFrom(TransportSettings settings) => new()
    {
        AeronDir = string.IsNullOrEmpty(settings.AeronDir) ? null : settings.AeronDir,
        EmbeddedMediaDriver = settings.EmbeddedMediaDriver,
        LibraryPath = settings.AeronLibraryPath,
        ErrorHandler = settings.ErrorHandler,
    };
}
