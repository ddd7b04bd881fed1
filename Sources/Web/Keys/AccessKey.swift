import Foundation
import Crypto
import Registry

/// One key the server accepts: a name, a role, for write keys an optional group scope, and the SHA-256
/// digest of the secret. The secret itself is never kept.
///
/// Plain SHA-256 is enough because generated secrets carry 256 random bits; there is nothing to guess.
public struct AccessKey: Sendable, Equatable {
    /// A label for people (`importers`, `grafana`); it appears in the keys file and in logs, never the secret.
    public let name: String
    /// What the key may do.
    public let role: AccessRole
    /// The groups a write key may report for (`product.*` or the subtree `product`); `nil` for any group.
    public let scope: GroupFilter?
    /// SHA-256 of the secret.
    let digest: [UInt8]

    /// A key given as its secret (from a flag or a variable); only the digest is kept.
    public init(name: String, role: AccessRole, scope: GroupFilter? = nil, secret: String) {
        self.init(name: name, role: role, scope: scope, digest: Self.digest(of: secret))
    }

    /// A key known by its digest (from the keys file).
    init(name: String, role: AccessRole, scope: GroupFilter?, digest: [UInt8]) {
        self.name = name
        self.role = role
        self.scope = scope
        self.digest = digest
    }

    /// `true` when this key may report events for `group`.
    public func mayReport(for group: String) -> Bool {
        scope?.matches(group) ?? true
    }

    /// The digest in hex, as a page session names its key.
    var digestHex: String {
        digest.hexDigits
    }

    static func digest(of secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }
}
