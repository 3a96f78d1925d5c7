internal import CSndFile

/// Bytes that libsndfile reads as if they were a file, through its virtual I/O callbacks (for audio that never was a
/// file, and for fuzzing the audio path in memory).
///
/// The callbacks find the instance through libsndfile's `user_data` pointer; the owning `AudioFile` keeps it alive as
/// long as the handle. Read-only: writes are refused.
final class MemoryFile {
    let bytes: [UInt8]
    private(set) var position = 0
    /// The callbacks (`sf_open_virtual` copies them; `user_data` is this instance).
    var callbacks = SF_VIRTUAL_IO(
        get_filelen: { user in sf_count_t(MemoryFile.from(user).bytes.count) },
        seek: { offset, whence, user in MemoryFile.from(user).seek(Int(offset), whence: whence) },
        read: { destination, count, user in MemoryFile.from(user).read(into: destination, count: Int(count)) },
        write: { _, _, _ in 0 },
        tell: { user in sf_count_t(MemoryFile.from(user).position) }
    )

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private static func from(_ user: UnsafeMutableRawPointer?) -> MemoryFile {
        Unmanaged<MemoryFile>.fromOpaque(user!).takeUnretainedValue()
    }

    /// Moves to `offset` from the start, the current position or the end (`SEEK_SET`, `SEEK_CUR`, `SEEK_END`),
    /// kept within the bytes; returns the new position, or -1 for an unknown `whence`.
    private func seek(_ offset: Int, whence: Int32) -> sf_count_t {
        let origin: Int
        switch whence {
        case Int32(SEEK_SET): origin = 0
        case Int32(SEEK_CUR): origin = position
        case Int32(SEEK_END): origin = bytes.count
        default: return -1
        }
        let (target, overflow) = origin.addingReportingOverflow(offset)
        position = overflow ? (offset < 0 ? 0 : bytes.count) : min(max(0, target), bytes.count)
        return sf_count_t(position)
    }

    /// Copies up to `count` bytes from the position; returns how many.
    private func read(into destination: UnsafeMutableRawPointer?, count: Int) -> sf_count_t {
        guard let destination, count > 0 else { return 0 }
        let available = min(count, bytes.count - position)
        guard available > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            destination.copyMemory(from: source.baseAddress! + position, byteCount: available)
        }
        position += available
        return sf_count_t(available)
    }
}
