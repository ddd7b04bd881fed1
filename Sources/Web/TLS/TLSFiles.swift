import Foundation

/// The PEM files HTTPS is served with (`--tls-cert`, `--tls-key`).
public struct TLSFiles: Sendable, Equatable {
    /// The certificate, followed by any intermediates.
    public var certificatePath: String
    /// The certificate's private key.
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    /// Reads both files as the server would, checking that the key is the certificate's; returns when the
    /// certificate expires, or throws what is wrong (`wokmanager config check`).
    public func check() throws -> Date {
        try ServingCertificate.check(self)
    }
}
