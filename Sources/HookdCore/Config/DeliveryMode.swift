/// When a source's rules run relative to the HTTP answer (`mode:`).
public enum DeliveryMode: String, Sendable, Hashable, CaseIterable {
    /// Answer 200 once the event is stored; rules run afterwards.
    case async
    /// Run the rules before answering: 200 when all succeed, 500 otherwise.
    case sync
}
