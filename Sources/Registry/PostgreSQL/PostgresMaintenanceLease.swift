import Logging
import PostgresNIO

/// Makes one replica at a time the one that runs periodic work (lost-worker sweep, retention).
///
/// The holder keeps a session advisory lock on one pooled connection and checks that connection every
/// second. When that replica dies or loses its connection, PostgreSQL releases the lock and the next
/// replica to ask takes it over.
actor PostgresMaintenanceLease {
    static let lockKey: Int64 = 0x776F_6B6D_0002

    private enum State {
        case idle
        case trying
        case held
    }

    private let client: PostgresClient
    private let logger: Logger
    private var state = State.idle
    private var holder: Task<Void, Never>?

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// `true` when this replica holds the lease; tries to take it when it does not.
    func isHeld() async -> Bool {
        guard state == .idle else { return state == .held }
        state = .trying
        let (outcome, report) = AsyncStream<Bool>.makeStream()
        holder = Task { await self.hold(report: report) }
        for await acquired in outcome {
            return acquired
        }
        return false
    }

    /// Gives the lease up (on shutdown), waiting a moment for the unlock.
    func release() async {
        holder?.cancel()
        await holder?.waitAtMost(.seconds(2))
    }

    private func hold(report: AsyncStream<Bool>.Continuation) async {
        do {
            try await client.withConnection { connection in
                let acquired = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))", logger: logger)
                    .decode(Bool.self).reduce(false) { $0 || $1 }
                self.enter(acquired ? .held : .idle)
                report.yield(acquired)
                report.finish()
                guard acquired else { return }
                logger.info("this replica now runs the periodic clean-up")
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    try await connection.query("SELECT 1", logger: logger)
                }
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
            }
        } catch {
            logger.info("the periodic clean-up lease was lost or not taken", metadata: ["error": "\(String(describing: error))"])
        }
        report.yield(false)
        report.finish()
        enter(.idle)
    }

    private func enter(_ new: State) {
        state = new
    }
}
