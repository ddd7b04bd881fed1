import Foundation

extension Sequence<UInt8> {
    /// The bytes as lowercase hex, two digits each.
    var hexDigits: String {
        map { String(format: "%02x", $0) }.joined()
    }
}
