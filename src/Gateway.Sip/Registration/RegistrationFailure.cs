namespace Gateway.Sip.Registration;

/// <summary>Why a REGISTER did not give us a binding.</summary>
public enum RegistrationFailure
{
    /// <summary>No final response: Timer F fired (RFC 3261 §17.1.2.2), the stack answered 408.</summary>
    Timeout,
    /// <summary>The request could not be sent: the sender failed (unresolvable registrar, no transport).</summary>
    TransportError,
    /// <summary>401/407 again after our answer to a challenge, an unusable challenge, or no credentials (§22.2).</summary>
    AuthenticationFailed,
    /// <summary>423 whose Min-Expires we cannot honour (§10.2.8): not above what we asked, or above a day.</summary>
    IntervalTooBrief,
    /// <summary>Any other final non-2xx response (403, 404, 5xx, 6xx...).</summary>
    Rejected,
    /// <summary>A 2xx that holds our Contact with expires=0 or no usable expiry: the registrar kept no binding.</summary>
    NoBinding,
}
