/// Splits a `text/event-stream` into its events, as its bytes arrive in pieces of any size (an event's text is
/// decoded once it is whole, so a character split between two pieces is read right).
struct ServerSentEvents {
    /// One event: its name (`message` when the stream gives none), its data and its id.
    struct Event: Equatable {
        var name = "message"
        var data = ""
        var id: String?
    }

    private var pending: [UInt8] = []

    /// The events completed by `bytes`, the next piece of the stream; comments (`: ping`) are left out.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        pending += bytes.lazy.filter { $0 != UInt8(ascii: "\r") }
        var events: [Event] = []
        var start = 0
        var index = 0
        while index + 1 < pending.count {
            guard pending[index] == UInt8(ascii: "\n"), pending[index + 1] == UInt8(ascii: "\n") else {
                index += 1
                continue
            }
            if let event = Self.event(String(decoding: pending[start..<index], as: UTF8.self)) { events.append(event) }
            index += 2
            start = index
        }
        pending.removeFirst(start)
        return events
    }

    private static func event(_ block: String) -> Event? {
        var event = Event()
        var data: [Substring] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) where !line.hasPrefix(":") {
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts.count > 1 ? parts[1].drop { $0 == " " } : ""
            switch parts[0] {
            case "event": event.name = String(value)
            case "data": data.append(value)
            case "id": event.id = String(value)
            default: break
            }
        }
        guard !data.isEmpty else { return nil }
        event.data = data.joined(separator: "\n")
        return event
    }
}
