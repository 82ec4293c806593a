using Gateway.Sip.Messages;
using Gateway.Sip.Registrar;

namespace Gateway.Server.Registrar;

/// <summary><see cref="IRegisteredDevices"/> over the registrar's store.</summary>
internal sealed class RegisteredDevices(SipRegistrar registrar) : IRegisteredDevices
{
    public int Count => registrar.Store.Count;

    public IReadOnlyList<RegisteredDevice> DevicesOf(string user)
    {
        var devices = new List<RegisteredDevice>();
        foreach (var b in registrar.Store.Lookup(registrar.AorOf(user)))
            if (NameAddress.TryParse(b.Contact, out var contact))
                devices.Add(new RegisteredDevice(user, contact!.Uri, b.Flow.Remote, b.Flow.ConnectionId, b.Instance, b.ExpiresAt));
        return devices;
    }
}
