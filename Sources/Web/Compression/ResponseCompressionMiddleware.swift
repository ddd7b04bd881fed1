import CompressNIO
import HTTPTypes
import Hummingbird
import NIOCore

/// Which responses are worth compressing.
enum CompressionPolicy {
    /// Bodies smaller than this, in bytes, are sent as they are: gzip would gain nothing.
    static let minimumSize = 1024

    /// Text-like types; anything else (images, archives) is already compressed or not worth it.
    static let compressibleTypes = [
        "text/", "application/json", "application/javascript", "application/x-ndjson", "application/xml", "image/svg+xml",
    ]

    static func isCompressible(_ response: Response) -> Bool {
        guard response.headers.value(of: .contentEncoding) == nil, let type = response.headers.value(of: .contentType) else { return false }
        // A stream never ends, so it cannot be gathered and compressed.
        guard !startsWithIgnoringCase(type, "text/event-stream") else { return false }
        return compressibleTypes.contains { startsWithIgnoringCase(type, $0) }
    }

    /// Whether `text` begins with `prefix` (lowercase ASCII), ignoring the case of ASCII letters; compared as bytes,
    /// as lowercasing and Unicode-aware `hasPrefix` were 1.3 % of a heartbeat's CPU.
    static func startsWithIgnoringCase(_ text: String, _ prefix: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        return prefix.utf8.allSatisfy { expected in
            guard let byte = bytes.next() else { return false }
            return (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == expected
        }
    }
}

/// gzip-compresses responses (JSON, HTML, `/metrics`, static files) with zlib when the client allows it.
///
/// A response is compressed when the request's `Accept-Encoding` allows gzip (q-values honoured, so
/// `gzip;q=0` refuses it), its type is text-like, and its body is at least
/// ``CompressionPolicy/minimumSize`` bytes. Compressible responses always carry
/// `Vary: Accept-Encoding` so caches keep the two forms apart.
/// Ours: Hummingbird itself compresses nothing (that is the separate hummingbird-compression package, not among our dependencies).
struct ResponseCompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard CompressionPolicy.isCompressible(response) else { return response }
        if !response.headers[values: .vary].contains(where: { $0.lowercased() == "accept-encoding" }) {
            response.headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        }
        guard AcceptEncoding(request.headers.value(of: .acceptEncoding)).allowsGzip else { return response }
        var body = try await BodyCollector.collect(response.body)
        guard body.readableBytes >= CompressionPolicy.minimumSize else {
            response.body = ResponseBody(byteBuffer: body)
            return response
        }
        let compressed = try body.compress(with: .gzip())
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = String(compressed.readableBytes)
        response.body = ResponseBody(byteBuffer: compressed)
        return response
    }
}

/// Gathers a response body into one buffer.
private final class BodyCollector: ResponseBodyWriter {
    private var buffer = ByteBuffer()

    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let collector = BodyCollector()
        try await body.write(collector)
        return collector.buffer
    }

    func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.writeBuffer(&part)
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
