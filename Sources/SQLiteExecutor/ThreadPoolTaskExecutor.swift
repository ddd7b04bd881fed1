import NIOPosix

/// Runs the jobs of tasks that prefer it on the threads of a `NIOThreadPool`.
///
/// SQLite's calls block (a commit waits for fsync). The store's code is `async`, written once for both
/// databases; running it under this executor's preference keeps those blocking calls on the pool's
/// threads, away from Swift's few cooperative ones, without a thread hop per statement.
final class ThreadPoolTaskExecutor: TaskExecutor {
    private let pool: NIOThreadPool

    init(_ pool: NIOThreadPool) {
        self.pool = pool
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        // A job must run even if the pool has stopped (its task would hang otherwise): NIO then runs the
        // closure with a `cancelled` state, off the pool; the database checks it is open before any call.
        pool.submit { _ in job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
