import Logging
import ServiceLifecycle
import WokmanagerMetrics

/// Looks at the certificate and key files every few seconds and, when either has changed, serves them as soon as
/// they make a matching pair (certbot replaces them one after the other; a renewal may keep the key). A pair that
/// does not match yet is tried again at the next look; the previous certificate stays in force meanwhile.
struct ServingCertificateWatcher: Service {
    let certificate: ServingCertificate
    let interval: Duration
    let metrics: ServerMetrics
    let logger: Logger

    func run() async throws {
        metrics.recordCertificate(expiresAt: certificate.current.notValidAfter)
        try? await cancelWhenGracefulShutdown {
            var lastProblem: String?
            while true {
                try await Task.sleep(for: interval)
                do {
                    if let pair = try certificate.reloadIfChanged() {
                        metrics.recordCertificate(expiresAt: pair.notValidAfter)
                        logger.notice(
                            "TLS certificate changed; new connections get it",
                            metadata: ["certificate": "\(certificate.files.certificatePath)", "not_after": "\(pair.notValidAfter)"])
                    }
                    lastProblem = nil
                } catch let error as ServingCertificate.Problem {
                    // Logged once per problem, not at every look while a rotation is half written.
                    if error.description != lastProblem {
                        logger.error("TLS certificate not reloaded; the previous one stays in use", metadata: ["error": "\(error)"])
                        lastProblem = error.description
                    }
                }
            }
        }
    }
}
