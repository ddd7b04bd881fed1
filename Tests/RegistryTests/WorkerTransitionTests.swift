import Foundation
import Registry
import Testing

@Suite("Worker state rules")
struct WorkerTransitionTests {
    /// Applies events in order, as a store would, and returns the final worker and every history entry.
    private func replay(_ events: [WorkerEvent], liveness rule: Liveness = liveness(at: 0)) -> (Worker?, [HistoryEntry], [EventOutcome]) {
        var worker: Worker?
        var entries: [HistoryEntry] = []
        var outcomes: [EventOutcome] = []
        for event in events {
            let transition = WorkerTransition.apply(event, to: worker, liveness: rule)
            worker = transition.worker
            entries += transition.entries
            outcomes.append(transition.outcome)
        }
        return (worker, entries, outcomes)
    }

    @Test("started then stopped: running, then stopped, both in the history")
    func startStop() throws {
        let (worker, entries, outcomes) = replay([event(.started), event(.stopped, at: 5)])
        #expect(worker?.status == .stopped)
        #expect(worker?.exitCode == 0)
        #expect(entries.map(\.status) == [.running, .stopped])
        #expect(outcomes.map(\.status) == [.running, .stopped])
    }

    @Test("a non-zero exit code or an aborted error means failed")
    func failures() {
        #expect(replay([event(.started), event(.stopped, at: 1, exitCode: 3)]).0?.status == .failed)
        #expect(replay([event(.started), event(.error, at: 1, message: "boom", action: "aborted")]).0?.status == .failed)
        let logged = replay([event(.started), event(.error, at: 1, message: "boom", action: "logged")]).0
        #expect(logged?.status == .running)
        #expect(logged?.errorCount == 1)
    }

    @Test("heartbeats count but do not flood the history")
    func heartbeats() {
        let (worker, entries, _) = replay([event(.started)] + (1...50).map { event(.heartbeat, at: Double($0)) })
        #expect(worker?.heartbeats == 50)
        #expect(worker?.lastSeen == t0.addingTimeInterval(50))
        #expect(entries.count == 1)
    }

    @Test("a late stop older than the latest start goes to the history without stopping the worker")
    func lateEventsDoNotMoveStateBack() {
        let (worker, entries, outcomes) = replay([event(.started, at: 10), event(.stopped, at: 5, receivedAt: 11)])
        #expect(worker?.status == .running)
        #expect(worker?.statusSince == t0.addingTimeInterval(10))
        #expect(entries.last?.late == true)
        #expect(entries.last?.status == nil)
        #expect(outcomes.last == EventOutcome(status: .running, late: true))
    }

    @Test("a late message is kept but does not replace a newer latest message")
    func lateMessages() {
        let (worker, entries, _) = replay([
            event(.started), event(.message, at: 10, message: "newer"), event(.message, at: 5, receivedAt: 11, message: "older"),
        ])
        #expect(worker?.message == "newer")
        #expect(entries.filter { $0.event == .message }.count == 2)
    }

    @Test("starting again after a stop begins a new run with the same id")
    func newRun() {
        let (worker, entries, _) = replay([
            event(.started), event(.heartbeat, at: 1), event(.stopped, at: 2, exitCode: 1), event(.started, at: 3),
        ])
        #expect(worker?.status == .running)
        #expect(worker?.runStartedAt == t0.addingTimeInterval(3))
        #expect(worker?.heartbeats == 0)
        #expect(worker?.exitCode == nil)
        #expect(entries.compactMap(\.status) == [.running, .failed, .running])
    }

    @Test("a message or an error after the stop belongs to the finished run: no new run, no new status",
          arguments: [WorkerStatus.stopped, .failed])
    func afterTheRunEnded(ended: WorkerStatus) {
        let stop = event(.stopped, at: 2, exitCode: ended == .failed ? 3 : 0)
        let (worker, entries, outcomes) = replay([
            event(.started, ttl: 30), stop, event(.message, at: 3, message: "done"),
            event(.error, at: 4, message: "cleanup", action: "logged"), event(.error, at: 5, message: "late abort", action: "aborted"),
        ])
        #expect(worker?.status == ended)
        #expect(worker?.statusSince == t0.addingTimeInterval(2))
        #expect(worker?.runStartedAt == t0)
        #expect(worker?.exitCode == stop.exitCode)
        #expect(worker?.message == "done")
        #expect(worker?.errorCount == 2)
        #expect(entries.map(\.event) == [.started, .stopped, .message, .error, .error])
        #expect(entries.compactMap(\.status) == [.running, ended])
        #expect(outcomes.dropFirst().map(\.status) == [ended, ended, ended, ended])
    }

    @Test("after the stop, a heartbeat begins the next run")
    func heartbeatAfterStop() {
        let (worker, entries, _) = replay([event(.started), event(.stopped, at: 2), event(.message, at: 3, message: "done"), event(.heartbeat, at: 4)])
        #expect(worker?.status == .running)
        #expect(worker?.runStartedAt == t0.addingTimeInterval(4))
        #expect(worker?.exitCode == nil)
        #expect(entries.compactMap(\.status) == [.running, .stopped, .running])
    }

    @Test("a lost worker's run has not ended: a message shows it alive and running again")
    func messageFromLostWorker() {
        let (worker, entries, _) = replay(
            [event(.started, ttl: 30), event(.message, at: 100, message: "still importing")], liveness: liveness(at: 100))
        #expect(worker?.status == .running)
        #expect(entries.compactMap(\.status) == [.running, .lost, .running])
    }

    @Test("a worker first seen through a heartbeat is running, and that is recorded once")
    func implicitStart() {
        let (worker, entries, _) = replay([event(.heartbeat), event(.heartbeat, at: 1)])
        #expect(worker?.status == .running)
        #expect(entries.map(\.event) == [.heartbeat])
    }

    @Test("a heartbeat after the TTL passed records the loss, then the return to running")
    func recoveryFromLost() {
        let rule = liveness(at: 100)
        let (worker, entries, _) = replay([event(.started, ttl: 30), event(.heartbeat, at: 100)], liveness: rule)
        #expect(worker?.status == .running)
        #expect(entries.map(\.event) == [.started, .lost, .heartbeat])
        #expect(entries[1].at == t0.addingTimeInterval(30))
        #expect(entries.compactMap(\.status) == [.running, .lost, .running])
    }

    @Test("optional fields update the worker; labels are replaced as a whole")
    func descriptiveFields() {
        var first = event(.started)
        first.host = "h1"
        first.labels = ["a": "1", "b": "2"]
        var second = event(.heartbeat, at: 1)
        second.labels = ["a": "3"]
        second.version = "2.0"
        let worker = replay([first, second]).0
        #expect(worker?.host == "h1")
        #expect(worker?.version == "2.0")
        #expect(worker?.labels == ["a": "3"])
    }
}

@Suite("Liveness")
struct LivenessTests {
    private func worker(lastSeen: Double, ttl: Double?) -> Worker {
        Worker(id: "w", group: "g", status: .running, statusSince: t0, runStartedAt: t0,
               lastSeen: t0.addingTimeInterval(lastSeen), lastReceivedAt: t0.addingTimeInterval(lastSeen), ttl: ttl)
    }

    @Test("a running worker becomes lost only once its TTL has passed")
    func ttlExpiry() {
        let w = worker(lastSeen: 0, ttl: 30)
        #expect(liveness(at: 29).status(of: w) == .running)
        #expect(liveness(at: 30).status(of: w) == .running)
        #expect(liveness(at: 30.001).status(of: w) == .lost)
    }

    @Test("the server's default TTL applies to workers that sent none; 0 never expires")
    func defaultTTL() {
        let w = worker(lastSeen: 0, ttl: nil)
        #expect(liveness(at: 1_000_000).status(of: w) == .running)
        #expect(liveness(at: 61, defaultTTL: 60).status(of: w) == .lost)
        let neverExpires = worker(lastSeen: 0, ttl: 0)
        #expect(liveness(at: 1_000_000, defaultTTL: 60).status(of: neverExpires) == .running)
    }

    @Test("after a restart every worker gets one TTL of grace from the server's start")
    func restartGrace() {
        let w = worker(lastSeen: 0, ttl: 30)
        let restartedLater = liveness(at: 500, graceStart: 490)
        #expect(restartedLater.status(of: w) == .running)
        #expect(restartedLater.deadline(of: w) == t0.addingTimeInterval(520))
        #expect(liveness(at: 521, graceStart: 490).status(of: w) == .lost)
    }

    @Test("stopped and failed workers are never lost")
    func onlyRunningExpires() {
        var w = worker(lastSeen: 0, ttl: 1)
        w.status = .stopped
        #expect(liveness(at: 100).status(of: w) == .stopped)
    }
}

@Suite("State rules around the sweep and the clock")
struct SweepAndClockTests {
    @Test("a heartbeat sent before the deadline but received after the sweep still brings the worker back")
    func lateHeartbeatAfterSweep() {
        let started = WorkerTransition.apply(event(.started, ttl: 30), to: nil, liveness: liveness(at: 0)).worker
        var swept = started
        swept.status = .lost
        swept.statusSince = t0.addingTimeInterval(30)  // what the sweep records
        let heartbeat = event(.heartbeat, at: 29, receivedAt: 35)
        let transition = WorkerTransition.apply(heartbeat, to: swept, liveness: liveness(at: 35))
        #expect(transition.outcome == EventOutcome(status: .running, late: false))
        #expect(transition.entries.compactMap(\.status) == [.running])
    }

    @Test("liveness follows the server's receive time, whatever the worker's clock says")
    func skewedWorkerClock() {
        // The worker's clock is an hour behind: its `at` is old, but it was heard from just now.
        let behind = event(.started, at: -3600, receivedAt: 0, ttl: 30)
        let worker = WorkerTransition.apply(behind, to: nil, liveness: liveness(at: 0)).worker
        #expect(liveness(at: 10).status(of: worker) == .running)
        #expect(liveness(at: 31).status(of: worker) == .lost)
    }

    @Test("a run that failed stays failed when it reports its stop")
    func failedRunStaysFailed() {
        var worker = WorkerTransition.apply(event(.started), to: nil, liveness: liveness(at: 0)).worker
        worker = WorkerTransition.apply(event(.error, at: 1, message: "x", action: "aborted"), to: worker, liveness: liveness(at: 1)).worker
        worker = WorkerTransition.apply(event(.stopped, at: 2), to: worker, liveness: liveness(at: 2)).worker
        #expect(worker.status == .failed)
    }
}
