import Synchronization

/// Jobs claimed at receipt: the receipt reserves room here before the accept, the store makes the
/// jobs `running` in the accept's transaction, and the receipt hands them over after the commit with
/// their event, still in memory. They go straight to the worker pool: no claim, no read of the event.
extension Dispatcher: ReceiptRunner {
    public func reserve(_ count: Int) -> Bool {
        guard count > 0, resumedInterrupted.load(ordering: .acquiring), !isStopping else { return false }
        let generation = generation()
        let limit = generation.pool.size * settings(in: generation).claimedAtReceiptPerWorker
        var current = claimedAtReceipt.load(ordering: .relaxed)
        while current + count <= limit {
            let (exchanged, original) = claimedAtReceipt.compareExchange(expected: current, desired: current + count,
                                                                        ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    public func release(_ count: Int) {
        guard count > 0 else { return }
        let left = claimedAtReceipt.subtract(count, ordering: .acquiringAndReleasing).newValue
        // `stop` waits for the last of them.
        if left == 0 && isStopping { notifyJobsChanged() }
    }

    /// The jobs of a commit's answers reach the pool in one push, after its last answer: a push
    /// per request woke a worker for nearly every one, since a worker often drained the queue
    /// before the writer's next answer.
    public func run(claimedAtReceipt jobs: [ClaimedJob]) {
        guard !jobs.isEmpty else { return }
        let first = handedOver.withLock { handedOver in
            defer { handedOver += jobs }
            return handedOver.isEmpty
        }
        guard first else { return }
        store.afterAnswers { [self] in
            let jobs = handedOver.withLock { handedOver in
                defer { handedOver = [] }
                return handedOver
            }
            submit(jobs) { [self] _ in release(1) }
        }
    }
}
