import Hummingbird
import Registry

/// What a worker is told about its event, `POST /worker/state`'s answer.
///
/// It is written by hand, byte for byte as `JSONEncoder.answers` writes it (sorted keys, slashes as they are): the
/// encoder was 8 % of a heartbeat's time. It stays `Encodable` so a test can hold the two side by side.
struct StateAnswer: ResponseGenerator, Encodable {
    var id: String
    var group: String
    var event: EventKind
    var status: WorkerStatus
    var late: Bool

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: json()))
    }

    /// The answer as JSON.
    func json() -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 72 + id.utf8.count + group.utf8.count)
        buffer.writeStaticString("{\"event\":")
        buffer.writeJSONString(event.rawValue)
        buffer.writeStaticString(",\"group\":")
        buffer.writeJSONString(group)
        buffer.writeStaticString(",\"id\":")
        buffer.writeJSONString(id)
        buffer.writeStaticString(late ? ",\"late\":true,\"status\":" : ",\"late\":false,\"status\":")
        buffer.writeJSONString(status.rawValue)
        buffer.writeStaticString("}")
        return buffer
    }
}

extension ByteBuffer {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes `string` as a JSON string, escaped as Foundation's `JSONEncoder` escapes it without escaping slashes:
    /// `"` and `\` with a backslash, the control characters as `\b \f \n \r \t` or `\u00XX`, everything else as it is.
    mutating func writeJSONString(_ string: String) {
        writeInteger(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var plainFrom = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                writeBytes(UnsafeBufferPointer(rebasing: bytes[plainFrom..<index]))
                plainFrom = index + 1
                switch byte {
                case UInt8(ascii: "\""): writeStaticString("\\\"")
                case UInt8(ascii: "\\"): writeStaticString("\\\\")
                case 0x08: writeStaticString("\\b")
                case 0x0C: writeStaticString("\\f")
                case UInt8(ascii: "\n"): writeStaticString("\\n")
                case UInt8(ascii: "\r"): writeStaticString("\\r")
                case UInt8(ascii: "\t"): writeStaticString("\\t")
                default:
                    writeStaticString("\\u00")
                    writeInteger(Self.hexDigits[Int(byte >> 4)])
                    writeInteger(Self.hexDigits[Int(byte & 0x0F)])
                }
            }
            writeBytes(UnsafeBufferPointer(rebasing: bytes[plainFrom...]))
        }
        writeInteger(UInt8(ascii: "\""))
    }
}
