import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// The certificate and key HTTPS serves, swapped in place when their files change: each handshake takes the
/// pair in force when it starts (NIOSSL's per-handshake override), so connections open before a rotation go
/// on and new ones get the new certificate, without a restart.
final class ServingCertificate: Sendable {
    /// One pair read from the files, known to match.
    struct Pair: Sendable {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let certificateStamp: FileStamp?
        let keyStamp: FileStamp?

        /// When the certificate (the first of the chain) expires.
        var notValidAfter: Date { Date(timeIntervalSince1970: TimeInterval(chain[0].notValidAfter)) }
    }

    /// The error for files that cannot be served.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    let files: TLSFiles
    private let pair: Mutex<Pair>

    /// Reads the files; throws when they do not read or do not match.
    init(files: TLSFiles) throws(Problem) {
        self.files = files
        pair = Mutex(try Self.read(files))
    }

    /// The pair in force.
    var current: Pair { pair.withLock { $0 } }

    /// Reads the files again when either has changed since the pair in force was read; returns the new pair,
    /// or `nil` when nothing changed. A pair that does not read or match throws and leaves the old one in force.
    func reloadIfChanged() throws(Problem) -> Pair? {
        let inForce = current
        guard FileStamp.of(files.certificatePath) != inForce.certificateStamp || FileStamp.of(files.keyPath) != inForce.keyStamp else {
            return nil
        }
        let fresh = try Self.read(files)
        pair.withLock { $0 = fresh }
        return fresh
    }

    /// TLS 1.2 or newer with NIOSSL's default ciphers, serving whichever pair is in force at each handshake.
    func serverConfiguration() -> TLSConfiguration {
        let started = current
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: started.chain.map { .certificate($0) }, privateKey: .privateKey(started.key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.sslContextCallback = { [self] _, promise in
            let pair = current
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain.map { .certificate($0) }
            override.privateKey = .privateKey(pair.key)
            promise.succeed(override)
        }
        return configuration
    }

    /// Reads `files` as a start would; returns when the certificate expires (`wokmanager config check`).
    static func check(_ files: TLSFiles) throws(Problem) -> Date {
        try read(files).notValidAfter
    }

    private static func read(_ files: TLSFiles) throws(Problem) -> Pair {
        // Stamps first: a file replaced while it is read is read again at the next look.
        let certificateStamp = FileStamp.of(files.certificatePath)
        let keyStamp = FileStamp.of(files.keyPath)
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificatePath)
        } catch {
            throw Problem(description: "\(files.certificatePath): not a PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw Problem(description: "\(files.certificatePath): holds no certificate") }
        do {
            key = try NIOSSLPrivateKey(file: files.keyPath, format: .pem)
        } catch {
            throw Problem(description: "\(files.keyPath): not a PEM private key (\(error))")
        }
        var check = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        check.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: check)
        } catch {
            throw Problem(description: "\(files.keyPath) is not the key of the certificate in \(files.certificatePath) (\(error))")
        }
        return Pair(chain: chain, key: key, certificateStamp: certificateStamp, keyStamp: keyStamp)
    }
}
