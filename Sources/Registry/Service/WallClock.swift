import Foundation
import Synchronization

/// Where the registry reads the time: the system clock in production, a hand-moved one in tests,
/// so TTL expiry and retention are tested without sleeping.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    /// A clock that answers with `read()`.
    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The current time.
    public func now() -> Date { read() }

    /// The system's clock.
    public static let system = WallClock { Date() }
}

/// A clock that stands still until it is moved; for tests and simulations.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// Creates a clock showing `start`.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    /// The time it shows.
    public var now: Date { current.withLock { $0 } }

    /// Moves it forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// This clock as a ``WallClock``.
    public var wallClock: WallClock { WallClock { self.now } }
}
