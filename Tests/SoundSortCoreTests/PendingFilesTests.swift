import Foundation
import SoundSortCore
import Testing
import TestSupport

/// The table the signal handler reads. Each test has a table of its own: the shared one belongs to the outputs other
/// tests of this process are writing.
@Suite struct PendingFilesTests {
    @Test func removeAllUnlinksWhatIsPublishedAndNothingElse() throws {
        let folder = TemporaryFolder()
        let table = PendingFiles(capacity: 4)
        let written = folder.path(".song.mid.1.tmp"), done = folder.path(".song.json.2.tmp"), other = folder.path("song.flac")
        for path in [written, done, other] { FileManager.default.createFile(atPath: path, contents: Data("x".utf8)) }
        _ = try table.add(written)
        let finished = try table.add(done)
        table.remove(slot: finished)
        #expect(table.published == [written])
        table.removeAll()
        #expect(!FileManager.default.fileExists(atPath: written))
        #expect(FileManager.default.fileExists(atPath: done))
        #expect(FileManager.default.fileExists(atPath: other))
    }

    @Test func aFullTableAndAnOverlongPathAreErrors() throws {
        let table = PendingFiles(capacity: 3)
        let slots = try (0..<3).map { try table.add("/tmp/out\($0).tmp") }
        #expect(Set(slots) == [0, 1, 2])
        #expect(throws: PendingFiles.Failure.tableFull) { try table.add("/tmp/one-more.tmp") }
        table.remove(slot: slots[1])
        // The slot freed is found again once the others are taken.
        #expect(try table.add("/tmp/again.tmp") == slots[1])
        #expect(throws: PendingFiles.Failure.pathTooLong) {
            try table.add("/tmp/" + String(repeating: "a", count: PendingFiles.maximumPathBytes))
        }
        #expect(throws: PendingFiles.Failure.pathTooLong) { try table.add("/tmp/nul\u{0}.tmp") }
    }

    @Test func aReleasedSlotIsTheLastReused() throws {
        let table = PendingFiles(capacity: 4)
        let first = try table.add("/tmp/a.tmp")
        table.remove(slot: first)
        // The search goes on from the slot after the last one taken, not back to the one just released.
        let next = try table.add("/tmp/b.tmp")
        #expect(next != first)
    }

    @Test func manyThreadsAddAndRemoveWithoutLosingAPath() async throws {
        let table = PendingFiles(capacity: 16)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<500 {
                        let path = "/tmp/task\(task)-\(round).tmp"
                        let slot = try table.add(path)
                        #expect(table.published.contains(path))
                        table.remove(slot: slot)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(table.published.isEmpty)
    }

    @Test func atomicOutputRegistersItsTemporaryFileWhileWriting() throws {
        let folder = TemporaryFolder()
        let target = folder.path("out.mid")
        var seen: [String] = []
        try AtomicOutput.write(to: target) { temporary in
            seen = PendingFiles.shared.published.filter { $0 == temporary }
            FileManager.default.createFile(atPath: temporary, contents: Data("MThd".utf8))
        }
        #expect(seen.count == 1)
        #expect(!PendingFiles.shared.published.contains(seen.first ?? ""))
        #expect(FileManager.default.contents(atPath: target) == Data("MThd".utf8))
    }
}
