import Foundation
import Synchronization

/// The temporary files being written, kept where a signal handler may read them.
///
/// A signal handler may only call async-signal-safe functions: no allocation, no lock, no Swift collection that
/// another thread may be resizing. So the paths live in a fixed table allocated once, before any handler is
/// installed (`prepare()`, for the shared table): `capacity` slots of `maximumPathBytes` bytes, each with an atomic state. A writer claims a
/// free slot, copies the path's bytes and a terminating zero into it, and only then publishes it (a releasing store);
/// the handler reads each slot's state (an acquiring load) and unlinks the published paths, touching nothing else.
/// Slots are searched from where the last search stopped, so a slot just released is the last to be reused: a
/// handler reading a path while a writer releases it would have to outlast `capacity` further outputs to read a path
/// being overwritten.
public final class PendingFiles: @unchecked Sendable {
    /// The table of this process, read by its signal handler.
    public static let shared = PendingFiles()

    /// Files that can be in writing at once (each output of each job of a run holds one while it is written).
    public let capacity: Int
    /// Longest path kept, in bytes with the terminating zero (Linux's PATH_MAX: no longer path can be opened).
    public static let maximumPathBytes = 4_096
    /// The shared table's capacity.
    public static let defaultCapacity = 64

    private static let freeSlot = 0, claimedSlot = 1, publishedSlot = 2

    /// `capacity × maximumPathBytes` bytes.
    private let paths: UnsafeMutablePointer<CChar>
    /// One state per slot: free, claimed (being filled or emptied) or published.
    private let states: UnsafeMutablePointer<Atomic<Int>>
    /// Where the next search for a free slot starts.
    private let cursor = Atomic<Int>(0)

    /// A table of `capacity` slots, all memory allocated here.
    public init(capacity: Int = PendingFiles.defaultCapacity) {
        precondition(capacity >= 1, "a table has at least one slot")
        self.capacity = capacity
        paths = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * Self.maximumPathBytes)
        paths.initialize(repeating: 0, count: capacity * Self.maximumPathBytes)
        states = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: capacity)
        for slot in 0..<capacity { (states + slot).initialize(to: Atomic(Self.freeSlot)) }
    }

    deinit {
        states.deinitialize(count: capacity)
        states.deallocate()
        paths.deallocate()
    }

    /// Makes the shared table. Call before installing a signal handler that calls `removeAll()`: a Swift global is
    /// made on first use, and its first use must not be inside the handler.
    public static func prepare() {
        _ = shared.capacity
    }

    /// What went wrong registering a path.
    public enum Failure: Error, Equatable {
        case pathTooLong
        case tableFull
    }

    /// Records `path` as being written; returns its slot, for `remove(slot:)`.
    /// - Throws: `.pathTooLong` for a path of `maximumPathBytes` bytes or more (or holding a zero byte), `.tableFull`
    ///   when `capacity` files are being written already.
    public func add(_ path: String) throws(Failure) -> Int {
        let bytes = Array(path.utf8)
        guard bytes.count < Self.maximumPathBytes, !bytes.contains(0) else { throw .pathTooLong }
        let start = cursor.load(ordering: .relaxed)
        for offset in 0..<capacity {
            let slot = (start + offset) % capacity
            guard states[slot].compareExchange(expected: Self.freeSlot, desired: Self.claimedSlot, ordering: .acquiring).exchanged else {
                continue
            }
            let destination = paths + slot * Self.maximumPathBytes
            bytes.withUnsafeBufferPointer { source in
                source.withMemoryRebound(to: CChar.self) { destination.update(from: $0.baseAddress!, count: $0.count) }
            }
            destination[bytes.count] = 0
            states[slot].store(Self.publishedSlot, ordering: .releasing)
            cursor.store((slot + 1) % capacity, ordering: .relaxed)
            return slot
        }
        throw .tableFull
    }

    /// Forgets the path in `slot` (written and renamed, or removed).
    public func remove(slot: Int) {
        precondition((0..<capacity).contains(slot), "not a slot of the table")
        states[slot].store(Self.freeSlot, ordering: .releasing)
    }

    /// Unlinks every published path, then removes those that are folders (emptied by the first pass: a folder
    /// output's files are published too). Async-signal-safe: atomic loads, `unlink` and `rmdir` only, no allocation,
    /// no lock.
    public func removeAll() {
        for slot in 0..<capacity where states[slot].load(ordering: .acquiring) == Self.publishedSlot {
            unlink(paths + slot * Self.maximumPathBytes)
        }
        for slot in 0..<capacity where states[slot].load(ordering: .acquiring) == Self.publishedSlot {
            rmdir(paths + slot * Self.maximumPathBytes)
        }
    }

    /// The paths published now.
    public var published: [String] {
        (0..<capacity).compactMap { slot in
            states[slot].load(ordering: .acquiring) == Self.publishedSlot ? String(cString: paths + slot * Self.maximumPathBytes) : nil
        }
    }
}
