namespace PubSubSubscriber;

/// <summary>Settings of the subscriber (section <c>Subscriber</c>).</summary>
public sealed class SubscriberOptions
{
    /// <summary>The topic, for example <c>/event/Order_Event__e</c> or <c>/data/AccountChangeEvent</c>.</summary>
    public string Topic { get; set; } = "/event/Order_Event__e";

    /// <summary>How many events to ask for at a time (flow control, <c>num_requested</c>).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Stop after this many events; 0 runs until stopped.</summary>
    public int StopAfter { get; set; }
}
