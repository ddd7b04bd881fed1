import Foundation

/// Tells systemd how the server is doing (`Type=notify`): a datagram to the socket in `NOTIFY_SOCKET`, as
/// `sd_notify(3)` sends it. Without that variable (not started by systemd) it does nothing. Ours instead of
/// libsystemd's, which is not in the base image: the protocol is one `sendto`.
enum SystemdNotifier {
    /// Sends `state` (`READY=1` once the port accepts connections); a failure is ignored, as sd_notify's callers do.
    static func notify(_ state: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard var path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return }
        // A leading @ names a socket in the abstract namespace, spelled with a NUL byte.
        if path.hasPrefix("@") { path = "\0" + path.dropFirst() }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        let message = Array(state.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddr in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, sockaddr, length) }
            }
        }
    }
}
