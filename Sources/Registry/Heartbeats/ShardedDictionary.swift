/// A dictionary by worker id split into 64 by the id's hash, so that growing copies a 64th of it at a time.
///
/// A single dictionary of a million workers doubles into a new table while still holding the old one, which
/// takes the memory at that moment half as much again as the dictionary itself (measured: 555 MiB peak against
/// 425 MiB after, at a million workers).
struct ShardedDictionary<Value: Sendable>: Sendable {
    private var shards = [[String: Value]](repeating: [:], count: 64)

    subscript(key: String) -> Value? {
        get { shards[Self.shard(of: key)][key] }
        set { shards[Self.shard(of: key)][key] = newValue }
    }

    @discardableResult
    mutating func removeValue(forKey key: String) -> Value? {
        shards[Self.shard(of: key)].removeValue(forKey: key)
    }

    private static func shard(of key: String) -> Int {
        Int(UInt(bitPattern: key.hashValue) >> (UInt.bitWidth - 6))
    }
}
