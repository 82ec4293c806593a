namespace Gateway.Sip.Registration;

/// <summary>
/// A change of a binding's state: to Registered (with the expiry the registrar granted), Failed (why, the status code if
/// any, when the next try goes out) or Unregistered.
/// </summary>
public sealed record RegistrationStateChange(RegistrationState State, RegistrationFailure? Failure = null, int? StatusCode = null,
    TimeSpan? Expires = null, TimeSpan? RetryIn = null);
