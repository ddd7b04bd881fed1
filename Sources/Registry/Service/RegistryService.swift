import Foundation
import Logging
import ServiceLifecycle

/// Runs the registry's background work, and closes it last on shutdown.
///
/// Every ``RegistrySettings/sweepInterval`` it records newly lost workers and checks the expectations; in
/// each new minute it samples the tree's time series; every ``RegistrySettings/pruneInterval`` it applies retention
/// (these on the replica holding the maintenance lease) and reads the stored groups and workers again for the
/// capacity limits (on every replica). Every ``RegistrySettings/heartbeatFlush`` it writes the heartbeats answered
/// from memory, whose buffer it first fills with the running workers' records. On graceful shutdown it stops the
/// loops, writes what is still queued and closes the store, after the HTTP server has stopped.
public struct RegistryService: Service {
    private let registry: WorkerRegistry
    private let logger: Logger

    /// Creates the service for `registry`.
    public init(registry: WorkerRegistry, logger: Logger) {
        self.registry = registry
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await maintenanceLoop() }
                if let interval = registry.settings.heartbeatFlush {
                    group.addTask { try await heartbeatFlushLoop(every: interval) }
                    group.addTask { await loadHeartbeatRecords() }
                }
            }
        }
        try await registry.shutdown()
        logger.info("store closed")
    }

    private func loadHeartbeatRecords() async {
        let clock = ContinuousClock(), start = clock.now
        do {
            let loaded = try await registry.loadHeartbeatRecords()
            logger.info("running workers read for heartbeats from memory", metadata: ["workers": "\(loaded)", "seconds": "\((clock.now - start).inSeconds)"])
        } catch {
            logger.error("reading the running workers failed; their first heartbeats are written before their answers", metadata: ["error": "\(error)"])
        }
    }

    private func heartbeatFlushLoop(every interval: Duration) async throws {
        while true {
            try await Task.sleep(for: interval)
            do {
                try await registry.flushHeartbeats()
            } catch {
                logger.error("writing the heartbeats failed; they wait for the next flush", metadata: ["error": "\(error)"])
            }
        }
    }

    private func maintenanceLoop() async throws {
        let clock = ContinuousClock()
        var nextPrune = clock.now
        var nextCapacityReload = clock.now.advanced(by: registry.settings.pruneInterval)
        var sampledMinute: Date?
        while true {
            try await Task.sleep(for: registry.settings.sweepInterval)
            if clock.now >= nextCapacityReload {
                nextCapacityReload = clock.now.advanced(by: registry.settings.pruneInterval)
                do {
                    try await registry.reloadCapacity()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.error("reading the stored groups and workers failed", metadata: ["error": "\(error)"])
                }
            }
            guard await registry.store.holdsMaintenanceLease() else { continue }
            do {
                let lost = try await registry.recordLostWorkers()
                if lost > 0 { logger.info("workers lost", metadata: ["count": "\(lost)"]) }
                let changed = try await registry.checkExpectations()
                if changed > 0 { logger.info("problems changed by expectations", metadata: ["count": "\(changed)"]) }
                let minute = SeriesResolution.minute.start(of: registry.clock.now())
                if minute != sampledMinute {
                    sampledMinute = minute
                    _ = try await registry.recordSamples()
                }
                if clock.now >= nextPrune {
                    nextPrune = clock.now.advanced(by: registry.settings.pruneInterval)
                    let report = try await registry.prune()
                    if report.workers + report.historyEntries > 0 {
                        logger.info("retention applied", metadata: ["workers": "\(report.workers)", "history": "\(report.historyEntries)"])
                    }
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                logger.error("maintenance failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
