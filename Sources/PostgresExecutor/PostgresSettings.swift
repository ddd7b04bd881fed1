import Foundation
import NIOSSL
import PostgresNIO
import Registry

/// How to reach PostgreSQL, read from a `postgres://` URL.
///
/// `postgres://user:password@host:5432/database?sslmode=require&pool_size=10&connect_timeout=10`
/// - `sslmode`: `disable`, `prefer` (the default: TLS when the server offers it), `require`,
///   `verify-ca` or `verify-full`, as libpq reads them.
/// - `pool_size`: most connections this replica opens (default 10).
/// - `connect_timeout`: seconds to wait for a connection (default 10).
public struct PostgresSettings: Sendable {
    /// The postgres-nio client configuration.
    public let client: PostgresClient.Configuration
    /// The same settings for one connection of its own (migrations run on one before the pool starts).
    let connection: PostgresConnection.Configuration
    /// A short description without the password, for logs.
    public let description: String

    /// Reads `url`; throws a message naming the part that is wrong.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw StoreError.failed("the database URL must look like postgres://user:password@host:5432/database")
        }
        let parameters = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        // As libpq: prefer and require encrypt without checking the certificate, verify-ca checks it
        // against the system's trust store, verify-full checks the host name too.
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        var caOnly = TLSConfiguration.makeClientConfiguration()
        caOnly.certificateVerification = .noHostnameVerification
        let tls: PostgresClient.Configuration.TLS
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch parameters["sslmode"] ?? "prefer" {
        case "disable": (tls, connectionTLS) = (.disable, .disable)
        case "prefer", "allow": (tls, connectionTLS) = (.prefer(unverified), .prefer(try NIOSSLContext(configuration: unverified)))
        case "require": (tls, connectionTLS) = (.require(unverified), .require(try NIOSSLContext(configuration: unverified)))
        case "verify-ca": (tls, connectionTLS) = (.require(caOnly), .require(try NIOSSLContext(configuration: caOnly)))
        case "verify-full": (tls, connectionTLS) = (.require(.makeClientConfiguration()), .require(try NIOSSLContext(configuration: .makeClientConfiguration())))
        case let other: throw StoreError.failed("sslmode '\(other)' is not one of disable, prefer, require, verify-ca, verify-full")
        }
        let database = components.path.drop { $0 == "/" }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : String(database), tls: tls)
        configuration.options.maximumConnections = Int(parameters["pool_size"] ?? "") ?? 10
        let connectTimeout = Int64(parameters["connect_timeout"] ?? "") ?? 10
        configuration.options.connectTimeout = .seconds(connectTimeout)
        var single = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : String(database), tls: connectionTLS)
        single.options.connectTimeout = .seconds(connectTimeout)
        if let schema = parameters["search_path"] {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
            single.options.additionalStartupParameters = [("search_path", schema)]
        }
        client = configuration
        connection = single
        description = "postgres://\(components.user ?? "postgres")@\(host):\(components.port ?? 5432)/\(database)"
    }
}
