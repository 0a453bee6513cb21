/// A run handed to `WorkerPool.submit`: what to run and where its result goes. The pool calls
/// `begin` on the worker's thread when a worker takes the run, so the caller decides what to run
/// (which rule version, which event document) only when it starts; nil means there is nothing to
/// run (the caller handed the work elsewhere).
public struct PoolRun: Sendable {
    /// What a worker runs, and the one call that receives its result.
    public struct Start: Sendable {
        public var rule: Int
        public var mode: LuaWorker.Mode
        public var event: RunEvent
        public var limits: RunLimits
        public var host: any HostCalls
        /// Called exactly once with the result: on the worker's thread, or on the watchdog's when
        /// the worker was stuck in C code and abandoned. It must not block.
        public var end: @Sendable (RunResult) -> Void

        public init(rule: Int, mode: LuaWorker.Mode = .handle, event: RunEvent, limits: RunLimits,
                    host: any HostCalls, end: @escaping @Sendable (RunResult) -> Void) {
            self.rule = rule
            self.mode = mode
            self.event = event
            self.limits = limits
            self.host = host
            self.end = end
        }
    }

    public var begin: @Sendable () -> Start?

    public init(begin: @escaping @Sendable () -> Start?) {
        self.begin = begin
    }
}
