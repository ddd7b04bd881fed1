import ArgumentParser
import AsyncHTTPClient
import NIOSSL
import Synchronization

/// The HTTP clients of the CLI, one per CA file given with `--cacert` (and one for the system's CA certificates).
/// Like `HTTPClient.shared`, each lives as long as the process, so no command has to shut one down; unlike it,
/// a refused connection fails at once (the CLI's own retries, such as `run`'s, decide what comes next), and
/// redirects are not followed.
enum HTTPClients {
    private static let trusting = Mutex<[String: HTTPClient]>([:])

    /// The client verifying servers with the certificates in `caFile`, else with the system's.
    static func client(trusting caFile: String?) throws -> HTTPClient {
        try trusting.withLock { clients in
            if let client = clients[caFile ?? ""] { return client }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.minimumTLSVersion = .tlsv12
            if let caFile {
                do {
                    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
                } catch {
                    throw ValidationError("--cacert \(caFile): not a PEM file of certificates (\(error))")
                }
            }
            var configuration = HTTPClient.Configuration.singletonConfiguration
            configuration.tlsConfiguration = tls
            configuration.connectionPool.retryConnectionEstablishment = false
            // A redirect would carry the key elsewhere (AsyncHTTPClient drops only Authorization and cookies).
            configuration.redirectConfiguration = .disallow
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            clients[caFile ?? ""] = client
            return client
        }
    }
}
