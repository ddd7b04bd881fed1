import ArgumentParser
import AsyncHTTPClient
import NIOSSL
import Synchronization

/// The HTTP clients of the CLI: `HTTPClient.shared` (the system's CA certificates), or one per CA file given
/// with `--cacert`. Like the shared one, each lives as long as the process, so no command has to shut one down.
enum HTTPClients {
    private static let trusting = Mutex<[String: HTTPClient]>([:])

    /// The client verifying servers with the certificates in `caFile`, else the shared one.
    static func client(trusting caFile: String?) throws -> HTTPClient {
        guard let caFile else { return .shared }
        return try trusting.withLock { clients in
            if let client = clients[caFile] { return client }
            let roots: [NIOSSLCertificate]
            do {
                roots = try NIOSSLCertificate.fromPEMFile(caFile)
            } catch {
                throw ValidationError("--cacert \(caFile): not a PEM file of certificates (\(error))")
            }
            var configuration = HTTPClient.Configuration.singletonConfiguration
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(roots)
            tls.minimumTLSVersion = .tlsv12
            configuration.tlsConfiguration = tls
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[caFile] = client
            return client
        }
    }
}
