import Foundation

/// What tells one version of a watched file from the next. The modification time alone is not enough:
/// its clock ticks every few milliseconds. Files are replaced by rename, so the inode changes too.
struct FileStamp: Equatable {
    let inode: Int?
    let modified: Date?
    let size: Int?

    /// The stamp of the file at `path`; `nil` when there is none.
    static func of(_ path: String) -> FileStamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return FileStamp(
            inode: attributes[.systemFileNumber] as? Int, modified: attributes[.modificationDate] as? Date, size: attributes[.size] as? Int)
    }
}
