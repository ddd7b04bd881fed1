import Foundation

/// What tells one version of a watched file from the next. The modification time alone is not enough:
/// its clock ticks every few milliseconds. Files are replaced by rename, so the inode changes too. Symbolic
/// links are followed: a Kubernetes secret mount swaps the folder its links point into, not the links.
struct FileStamp: Equatable {
    let device: UInt64
    let inode: UInt64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int
    let size: Int64

    /// The stamp of the file at `path` (or of the file its links lead to); `nil` when there is none.
    static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), modifiedSeconds: info.st_mtim.tv_sec, modifiedNanoseconds: info.st_mtim.tv_nsec,
            size: Int64(info.st_size))
    }
}
