/// The workers with heartbeats not yet written, taken in the order they became so: a flush that cannot write them
/// all in one interval writes the longest waiting first.
///
/// A `Set` took them by hash bucket instead: under a backlog, workers in late buckets waited while newer ones in
/// early buckets went first, until the deadline their stored record held passed and they showed lost though they
/// kept heartbeating (the steady fleet of `make bench`, a million workers, found it).
struct DirtyWorkers {
    /// Each waiting worker and its place in line.
    private var places: [String: Int] = [:]
    /// The line from place `firstPlace` on; a place whose worker left (or joined again later) is skipped.
    private var line: [String] = []
    private var firstPlace = 0
    private var next = 0
    /// Workers put back ahead of the line, taken before it, in the order they were put back.
    private var putBack: [String] = []
    private var nextPutBack = 0
    /// The place of a worker put back.
    private static let aheadOfTheLine = -1

    var count: Int { places.count }

    func contains(_ id: String) -> Bool {
        places[id] != nil
    }

    /// Puts `id` at the end of the line, unless it waits already.
    mutating func insert(_ id: String) {
        guard places[id] == nil else { return }
        places[id] = firstPlace + line.count
        line.append(id)
    }

    /// Puts `id` back ahead of the line, unless it waits already: a write of it failed or was put off, so it has
    /// waited longest.
    mutating func putBackAhead(_ id: String) {
        guard places[id] == nil else { return }
        places[id] = Self.aheadOfTheLine
        putBack.append(id)
    }

    mutating func remove(_ id: String) {
        places[id] = nil
    }

    /// The worker that has waited longest, taken out; `nil` when none waits.
    mutating func popLongestWaiting() -> String? {
        while nextPutBack < putBack.count {
            let id = putBack[nextPutBack]
            nextPutBack += 1
            guard places[id] == Self.aheadOfTheLine else { continue }
            places[id] = nil
            return id
        }
        putBack.removeAll(keepingCapacity: true)
        nextPutBack = 0
        while next < line.count {
            let id = line[next], place = firstPlace + next
            next += 1
            guard places[id] == place else { continue }
            places[id] = nil
            if next >= 4096, next * 2 >= line.count {
                line.removeFirst(next)
                firstPlace += next
                next = 0
            }
            return id
        }
        return nil
    }
}
