import Foundation
import SoundSortCore
import Testing
import TestSupport

/// `AtomicOutput.writeAll`: every output of a set appears, or none does, and nothing temporary is left.
@Suite struct OutputSetTests {
    struct WriterFailed: Error {}

    static func contents(_ folder: TemporaryFolder) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
    }

    static func writer(_ text: String) -> (String) throws -> Void {
        { temporary in try AtomicOutput.create(Data(text.utf8), at: temporary, reportingAs: temporary) }
    }

    @Test func everyOutputIsWrittenWhenEveryWriterSucceeds() throws {
        let folder = TemporaryFolder()
        try AtomicOutput.writeAll([PendingOutput(path: folder.path("a.txt"), write: Self.writer("a")),
                                   PendingOutput(path: folder.path("b.txt"), write: Self.writer("b"))])
        #expect(try Self.contents(folder) == ["a.txt", "b.txt"])
        #expect(try String(contentsOfFile: folder.path("b.txt"), encoding: .utf8) == "b")
    }

    @Test func aFailingWriterLeavesNoOutputAndKeepsTheFilesThatWereThere() throws {
        let folder = TemporaryFolder()
        try Data("old".utf8).write(to: folder.url.appendingPathComponent("a.txt"))
        #expect(throws: OutputSetFailure.self) {
            try AtomicOutput.writeAll([PendingOutput(path: folder.path("a.txt"), write: Self.writer("new")),
                                       PendingOutput(path: folder.path("b.txt"), write: Self.writer("b")),
                                       PendingOutput(path: folder.path("c.txt")) { _ in throw WriterFailed() }])
        }
        #expect(try Self.contents(folder) == ["a.txt"])
        #expect(try String(contentsOfFile: folder.path("a.txt"), encoding: .utf8) == "old")
    }

    @Test func aFailedRenameRemovesTheOutputsRenamedBeforeIt() throws {
        let folder = TemporaryFolder()
        // A folder that is not empty cannot be replaced by a file: the third rename fails.
        try FileManager.default.createDirectory(atPath: folder.path("c.txt/inside"), withIntermediateDirectories: true)
        do {
            try AtomicOutput.writeAll([PendingOutput(path: folder.path("a.txt"), write: Self.writer("a")),
                                       PendingOutput(path: folder.path("b.txt"), write: Self.writer("b")),
                                       PendingOutput(path: folder.path("c.txt"), write: Self.writer("c"))])
            Issue.record("the set was written over a folder")
        } catch {
            #expect(error.path == folder.path("c.txt"))
            #expect((error.underlying as? WriteFailure)?.problem == .isAFolder)
        }
        #expect(try Self.contents(folder) == ["c.txt"])
    }

    @Test(arguments: [
        ("/proc/x.mid", "the folder /proc does not take new files"),
        ("/definitely/missing/x.mid", "the folder /definitely/missing does not exist"),
        ("/etc/hostname/x.mid", "/etc/hostname is not a folder"),
        ("/", "it is a folder"),
    ])
    func anUnwritablePathIsFoundBeforeAnyWork(path: String, cause: String) {
        do {
            try AtomicOutput.checkWritable(path)
            Issue.record("\(path) passed the check")
        } catch {
            #expect(error.description == "\(path): cannot write: \(cause)")
        }
    }

    @Test func theCheckLeavesNothingBehind() throws {
        let folder = TemporaryFolder()
        try AtomicOutput.checkWritable(folder.path("x.mid"))
        #expect(try Self.contents(folder).isEmpty)
    }

    @Test(arguments: [(ENOENT, "/definitely/missing", "the folder /definitely/missing does not exist"),
                      (EACCES, "/d", "no permission to create files in /d"), (EROFS, "/d", "/d is on a read-only file system"),
                      (ENOSPC, "/d", "no space left on the device holding /d"), (EDQUOT, "/d", "disk quota exceeded on the device holding /d"),
                      (EISDIR, "/d", "it is a folder"), (ENAMETOOLONG, "/d", "the file name is too long")])
    func oneWordingPerCause(code: Int32, folder: String, wording: String) {
        #expect(WriteProblem(errno: code, folder: folder).description == wording)
    }

    static func folderWriter(_ names: [String], failing: Bool = false) -> (PendingFolder) throws -> Void {
        { folder in
            for name in names { try AtomicOutput.create(Data(name.utf8), at: folder.file(name), reportingAs: name) }
            if failing { throw WriterFailed() }
        }
    }

    @Test func aFolderOutputAppearsWholeAndReplacesTheFolderThatWasThere() throws {
        let folder = TemporaryFolder()
        let kit = try Self.oldKit(in: folder)
        try AtomicOutput.writeAll([PendingOutput(path: folder.path("a.txt"), write: Self.writer("a")),
                                   PendingOutput(folder: kit, write: Self.folderWriter(["x.wav", "kit.sfz"]))])
        #expect(try Self.contents(folder) == ["a.txt", "kit"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: kit).sorted() == ["kit.sfz", "x.wav"])
        #expect(!PendingFiles.shared.published.contains { $0.hasPrefix(folder.url.path) })
    }

    /// A folder `kit` in `folder` holding one file, `old.txt`, as an earlier run left it.
    static func oldKit(in folder: TemporaryFolder) throws -> String {
        let kit = folder.path("kit")
        try FileManager.default.createDirectory(atPath: kit, withIntermediateDirectories: false)
        try Data("old".utf8).write(to: URL(fileURLWithPath: kit + "/old.txt"))
        return kit
    }

    @Test func aFailingFolderLeavesNothingAndKeepsTheFolderThatWasThere() throws {
        let folder = TemporaryFolder()
        let kit = try Self.oldKit(in: folder)
        #expect(throws: OutputSetFailure.self) {
            try AtomicOutput.writeAll([PendingOutput(path: folder.path("a.txt"), write: Self.writer("a")),
                                       PendingOutput(folder: kit, write: Self.folderWriter(["x.wav"], failing: true))])
        }
        #expect(try Self.contents(folder) == ["kit"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: kit) == ["old.txt"])
        #expect(!PendingFiles.shared.published.contains { $0.hasPrefix(folder.url.path) })
    }

    @Test func aFailedRenameAfterTheFolderPutsTheOldFolderBack() throws {
        let folder = TemporaryFolder()
        let kit = try Self.oldKit(in: folder)
        // A folder that is not empty cannot be replaced by a file: the rename after the kit's fails.
        try FileManager.default.createDirectory(atPath: folder.path("busy/inner"), withIntermediateDirectories: true)
        #expect(throws: OutputSetFailure.self) {
            try AtomicOutput.writeAll([PendingOutput(folder: kit, write: Self.folderWriter(["x.wav"])),
                                       PendingOutput(path: folder.path("busy"), write: Self.writer("b"))])
        }
        #expect(try Self.contents(folder) == ["busy", "kit"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: kit) == ["old.txt"])
    }

    @Test func theSignalHandlersSweepRemovesAFolderBeingWritten() throws {
        let folder = TemporaryFolder()
        let table = PendingFiles(capacity: 4)
        let inner = folder.path("kit.tmp")
        try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: false)
        _ = try table.add(inner)
        try Data("x".utf8).write(to: URL(fileURLWithPath: inner + "/x.wav"))
        _ = try table.add(inner + "/x.wav")
        table.removeAll()
        #expect(try Self.contents(folder).isEmpty)
    }
}
