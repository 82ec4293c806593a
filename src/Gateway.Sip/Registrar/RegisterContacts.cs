using System.Globalization;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Registrar;

/// <summary>
/// Reads a REGISTER's Contacts into <see cref="ContactChange"/>s (RFC 3261 §10.3 steps 6-7): the expiry is the
/// Contact's expires parameter, else the Expires header, else the default; a non-zero one below the minimum is
/// refused (423), one above the maximum is shortened.
/// </summary>
public static class RegisterContacts
{
    public enum Problem { None, TooBrief, TooMany, BadWildcard }

    public static Problem TryRead(SipRequest request, RegistrarOptions options, out List<ContactChange> changes)
    {
        changes = [];
        if (request.IsContactWildcard)
            // §10.3 step 6: "*" only alone and with Expires: 0.
            return request.Contacts.Count == 0 && request.Expires == 0 ? Problem.None : Problem.BadWildcard;
        if (request.Contacts.Count > options.MaxContactsPerRequest) return Problem.TooMany;
        foreach (var contact in request.Contacts)
        {
            var seconds = ExpiresParameter(contact) ?? request.Expires ?? (uint)options.DefaultExpires.TotalSeconds;
            var expires = TimeSpan.FromSeconds(seconds);
            if (seconds != 0 && expires < options.MinExpires) return Problem.TooBrief;
            if (expires > options.MaxExpires) expires = options.MaxExpires;
            var instance = contact.GetParameter("+sip.instance");
            var regId = contact.GetParameter("reg-id");
            changes.Add(new ContactChange(KeyOf(contact.Uri, instance, regId), WithoutExpires(contact), instance, regId, expires));
        }
        return Problem.None;
    }

    /// <summary>delta-seconds of the expires contact-param (§20.10); an unreadable value counts as absent.</summary>
    private static uint? ExpiresParameter(NameAddress contact) =>
        contact.GetParameter("expires") is { } value && uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>
    /// RFC 5626 §6: a Contact with +sip.instance and reg-id replaces the binding of the same pair, whatever its URI;
    /// otherwise bindings match by URI (§19.1.4, simplified: scheme, user, host case-insensitively, port, transport).
    /// </summary>
    internal static string KeyOf(SipUri uri, string? instance, string? regId)
    {
        if (instance is not null && regId is not null) return "instance:" + instance + ";reg-id=" + regId;
        var transport = uri.GetParameter("transport")?.ToLowerInvariant();
        return uri.Scheme + ":" + uri.User + "@" + uri.Host.ToLowerInvariant() + ":" + uri.Port + (transport is null ? "" : ";transport=" + transport);
    }

    private static string WithoutExpires(NameAddress contact) =>
        new NameAddress(contact.Uri, contact.DisplayName,
            [.. contact.Parameters.Where(p => !p.Key.Equals("expires", StringComparison.OrdinalIgnoreCase))]).ToString();
}
