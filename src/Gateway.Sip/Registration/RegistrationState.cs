namespace Gateway.Sip.Registration;

/// <summary>Where one registration binding stands (RFC 3261 §10.2).</summary>
public enum RegistrationState
{
    /// <summary>Not started, or stopped: the registrar holds no binding of ours that we know of.</summary>
    Unregistered,
    /// <summary>The first REGISTER (and its digest retry) is on its way.</summary>
    Registering,
    /// <summary>The registrar accepted the binding; refreshes keep this state while they succeed.</summary>
    Registered,
    /// <summary>The last REGISTER failed; a retry is scheduled with back-off.</summary>
    Failed,
    /// <summary>The REGISTER with Expires: 0 (§10.2.2) is on its way.</summary>
    Unregistering,
}
