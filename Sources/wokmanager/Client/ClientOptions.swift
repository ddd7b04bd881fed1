import Foundation
import ArgumentParser

/// Where the server is and the key to use, shared by every client subcommand.
struct ClientOptions: ParsableArguments {
    @Option(help: "Server address (WOKMANAGER_URL; default http://127.0.0.1:5000).")
    var url: String?

    @Option(name: .customLong("api-key"), help: "API key (WOKMANAGER_API_KEY); writes need one, reads only when the server requires it.")
    var apiKey: String?

    @Option(name: .customLong("cacert"), help: ArgumentHelp(
        "PEM file of the CA certificates to verify an https server with (WOKMANAGER_CACERT; default: the system's).", valueName: "file"))
    var caFile: String?

    /// The client these options describe.
    func client(setting: Setting = Setting()) throws -> APIClient {
        let address = setting.value(url, "WOKMANAGER_URL") ?? "http://127.0.0.1:5000"
        guard let base = URL(string: address), base.scheme == "http" || base.scheme == "https", base.host != nil else {
            throw ValidationError("'\(address)' is not an http(s) address")
        }
        let http = try HTTPClients.client(trusting: setting.value(caFile, "WOKMANAGER_CACERT"))
        return APIClient(base: base, apiKey: setting.value(apiKey, "WOKMANAGER_API_KEY"), http: http)
    }
}
