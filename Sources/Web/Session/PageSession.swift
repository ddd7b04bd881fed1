import Foundation

/// What a signed-in browser's session holds: which key signed in (its name and the digest of its secret, never
/// the secret), the token every form of the session must carry, and a notice to show once after an action.
public struct PageSession: Codable, Sendable, Equatable {
    /// The name of the key that signed in.
    var keyName: String
    /// The SHA-256 of its secret, hex: a key removed from the keys file ends its sessions.
    var keyDigest: String
    /// The CSRF token of the session's forms.
    var csrfToken: String
    /// Said once on the next page: what the last action did.
    var notice: String?

    /// How long a session lasts after signing in.
    static let lifetime: Duration = .seconds(12 * 3600)
}

/// Random tokens, and comparing them without telling by the time taken how close a guess was.
enum SecretToken {
    /// 32 random bytes, as 64 hex digits (as a key's secret is made).
    static func make() -> String {
        KeysFile.generateSecret()
    }

    static func equal(_ lhs: String, _ rhs: String) -> Bool {
        KeyRing.constantTimeEqual(Array(lhs.utf8), Array(rhs.utf8))
    }
}
