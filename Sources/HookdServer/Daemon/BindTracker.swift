/// Calls `whenAllBound` once every listener has reported its port bound.
actor BindTracker {
    private var remaining: Int
    private let whenAllBound: @Sendable () -> Void

    init(expected: Int, whenAllBound: @escaping @Sendable () -> Void) {
        remaining = expected
        self.whenAllBound = whenAllBound
    }

    func bound() {
        remaining -= 1
        if remaining == 0 { whenAllBound() }
    }
}
