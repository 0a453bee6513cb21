extension Duration {
    /// The duration in milliseconds, with its fraction: how logs, reports and attempts print it.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
