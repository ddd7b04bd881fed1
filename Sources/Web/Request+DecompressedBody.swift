import CompressNIO
import Hummingbird

extension Request {
    /// The body, gunzipped when `Content-Encoding` says gzip: at most `limit` bytes as sent and `decompressedLimit`
    /// after; 413 past either, 415 for another encoding, 400 for broken gzip.
    mutating func collectDecompressedBody(upTo limit: Int, decompressedUpTo decompressedLimit: Int) async throws -> ByteBuffer {
        var body = try await collectBody(upTo: limit)
        guard let encoding = headers[.contentEncoding]?.lowercased(), encoding != "identity" else { return body }
        guard encoding == "gzip" || encoding == "x-gzip" else {
            throw APIError(.unsupportedMediaType, "Content-Encoding '\(encoding)' is not supported; use gzip or none", field: "Content-Encoding")
        }
        let tooLarge = APIError(.contentTooLarge, "the body decompresses to more than \(decompressedLimit) bytes", field: "body")
        let decompressed: ByteBuffer
        do {
            decompressed = try body.decompress(with: .gzip(), maxSize: decompressedLimit)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw tooLarge
        } catch {
            throw APIError(.badRequest, "the body is not valid gzip", field: "body")
        }
        // maxSize bounds the buffers CompressNIO asks for, which NIO rounds up to a power of two.
        guard decompressed.readableBytes <= decompressedLimit else { throw tooLarge }
        return decompressed
    }
}
