import Foundation
import Kit
import Render

/// `--shard K/N`: every N-th song from the K-th (K from 1), of the songs sorted by path. The shards 1/N…N/N take
/// every song exactly once, whatever machine runs them, so a scheduler's array job needs no coordination.
struct Shard: Equatable {
    /// K, from 1.
    var index: Int
    /// N.
    var count: Int

    /// Parses `K/N`; nil unless 1 ≤ K ≤ N.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (1...count).contains(index) else {
            return nil
        }
        self.index = index
        self.count = count
    }

    /// Whether the song at `position` (from 0) of the sorted list is this shard's.
    func takes(position: Int) -> Bool { position % count == index - 1 }

    /// Each shard keeps its own summary, so that shards on several machines never append to one file (appends to
    /// a shared file are not atomic on NFS); merging is reading `summary*.jsonl`.
    var summaryName: String { "summary-\(index)-of-\(count).jsonl" }
}

/// One song of a batch: the path given (or found in a folder given) and the name its outputs take.
struct BatchSong: Equatable {
    var input: String
    /// The outputs' path inside the output folder, without extension: the file's name, or, for a song found in a
    /// folder, its path below that folder (so an album's tracks keep their subfolders and do not collide).
    var name: String
}

/// Where one song's outputs go.
struct BatchOutputs {
    var midi: String
    var json: String?
    var labels: String?
    var grid: String?
    var gridFormat: GridRenderer.Format?
    /// The kit folder (`--kit`).
    var kit: String?

    /// A song's kit folder is `NAME.kit`: beside its other outputs, listed with them, and never another song's
    /// output (those all end in .mid, .json, .txt or a picture's extension).
    static let kitSuffix = ".kit"

    /// Every output, MIDI first, with the kind it must have.
    var planned: [PlannedOutput] {
        var out = [PlannedOutput(path: midi, kind: .midi)]
        if let json { out.append(PlannedOutput(path: json, kind: .json)) }
        if let labels { out.append(PlannedOutput(path: labels, kind: .labels)) }
        if let grid, let gridFormat { out.append(PlannedOutput(path: grid, kind: .picture(gridFormat))) }
        return out
    }

    /// Every output's path, the files then the kit folder: what the summary lists.
    var paths: [String] { planned.map(\.path) + (kit.map { [$0] } ?? []) }
}

/// The songs of a batch, from the command line and `--from-list`, folders walked.
enum BatchInputs {
    /// Audio file name extensions a folder is searched for (any case): those `bench` reads.
    static let audioExtensions = BenchCases.audioExtensions

    /// Every song, sorted by path, each path once (the first spelling of a file given twice is kept), and a warning
    /// for each folder that held no audio. Paths that do not exist are kept: the song fails and says why.
    /// - Parameter outputDir: never searched for songs, should it lie inside a folder given.
    /// - Throws: `CommandFailure` for a list that cannot be read.
    static func collect(arguments: [String], list: String?, outputDir: String) throws -> (songs: [BatchSong], warnings: [String]) {
        var entries = arguments
        if let list { entries += try readList(list) }
        let skipped = resolvedPath(outputDir)
        var songs: [BatchSong] = []
        var warnings: [String] = []
        for entry in entries {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: entry, isDirectory: &isFolder), isFolder.boolValue {
                let found = walk(folder: entry, skipping: skipped)
                if found.isEmpty {
                    warnings.append("\(entry): warning: no audio files (\(audioExtensions.joined(separator: ", "))) in this folder")
                }
                songs += found
            } else {
                songs.append(BatchSong(input: entry, name: ((entry as NSString).lastPathComponent as NSString).deletingPathExtension))
            }
        }
        songs.sort { $0.input < $1.input }
        var seen = Set<String>()
        return (songs.filter { seen.insert(resolvedPath($0.input)).inserted }, warnings)
    }

    /// The paths a list file names, one a line; blank lines and `#` comments skipped, spaces around a path removed.
    private static func readList(_ path: String) throws -> [String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure(path: path, reason: "cannot read the list of songs: \(readCause(path))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure(path: path, reason: "the list of songs is not UTF-8 text")
        }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Why a file cannot be read, in a few words.
    private static func readCause(_ path: String) -> String {
        var info = stat()
        if stat(path, &info) != 0 { return String(cString: strerror(errno)).lowercased() }
        if info.st_mode & S_IFMT == S_IFDIR { return "it is a folder" }
        return access(path, R_OK) == 0 ? "read error" : "no permission to read it"
    }

    /// The audio files below `folder`, hidden files and folders (and the output folder) left out, each named by its
    /// path below `folder` without extension.
    private static func walk(folder: String, skipping outputDir: String) -> [BatchSong] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        var found: [BatchSong] = []
        while let relative = walker.nextObject() as? String {
            let isFolder = walker.fileAttributes?[.type] as? FileAttributeType == .typeDirectory
            if (relative as NSString).lastPathComponent.hasPrefix(".") || (isFolder && resolvedPath(prefix + relative) == outputDir) {
                if isFolder { walker.skipDescendants() }
                continue
            }
            guard !isFolder, audioExtensions.contains((relative as NSString).pathExtension.lowercased()) else { continue }
            found.append(BatchSong(input: prefix + relative, name: (relative as NSString).deletingPathExtension))
        }
        return found
    }
}

/// Modification time of a file, in nanoseconds since 1970; nil when it cannot be read.
func modificationTime(_ path: String) -> Int64? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
}

/// Whether every output of a song is complete and not older than the song, so that a batch run again skips it.
///
/// Complete: a non-empty regular file of the right kind; a kit, a folder holding `kit.sfz`, `kit.sf2` and
/// `resynthesis.wav`. Outputs are written all or none through renames, so one that exists is whole; the kind check
/// keeps a stray file of the same name from passing for a result.
/// Not older (rather than strictly newer): a file system with coarse timestamps may give both the same time.
func isUpToDate(input: String, outputs: BatchOutputs) -> Bool {
    guard let inputTime = modificationTime(input) else { return false }
    if let kit = outputs.kit {
        var info = stat()
        guard stat(kit, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return false }
        for file in [Kit.sfzName, Kit.soundFontName, Kit.resynthesisName] {
            let path = (kit as NSString).appendingPathComponent(file)
            guard let time = modificationTime(path), time >= inputTime else { return false }
        }
    }
    return outputs.planned.allSatisfy { output in
        var info = stat()
        guard stat(output.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0,
              let time = modificationTime(output.path), time >= inputTime,
              let handle = FileHandle(forReadingAtPath: output.path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: OutputKind.headLength)) ?? Data()
        return output.kind.matches(head: head, complete: Int(info.st_size) <= OutputKind.headLength)
    }
}
