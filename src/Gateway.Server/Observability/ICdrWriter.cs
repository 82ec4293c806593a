namespace Gateway.Server.Observability;

/// <summary>Appends call detail records (one JSON line each) to the configured file; never throws into the call.</summary>
public interface ICdrWriter
{
    void Write(CallDetailRecord record);
}
