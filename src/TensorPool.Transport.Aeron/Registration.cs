using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace TensorPool.Transport.Aeron;

/// <summary>
/// Makes <see cref="TransportProviders"/> serve <c>aeron:</c> channels with <see cref="AeronTransport"/> as soon as this
/// assembly is loaded (TransportProviders loads it on the first aeron: channel when the application references it).
/// </summary>
public static class Registration
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "Referencing the package is what makes aeron: channels work; nothing else would call a registration.")]
    internal static void Register() => TransportProviders.Register("aeron", new AeronTransportProvider());

    /// <summary>Does nothing: calling it guarantees the module initializer has run.</summary>
    public static void EnsureRegistered()
    {
    }
}
