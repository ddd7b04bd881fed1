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
}
