import Foundation
import MIDIIO
import Render
import SoundSortCore

/// What an output file holds, so that an existing file can be recognised as one SoundSort would write before it is
/// replaced: an output path must never destroy a file that is not one of ours (an MP3 given to `-o` by mistake).
enum OutputKind: Equatable {
    case midi, json, labels
    case picture(GridRenderer.Format)

    /// Bytes read from the start of an existing file to recognise it.
    static let headLength = 4_096

    /// How the refusal names what the file should have been.
    var name: String {
        switch self {
        case .midi: "a MIDI file"
        case .json: "a JSON file"
        case .labels: "a label file"
        case let .picture(format): "\(format == .svg ? "an" : "a") \(format.rawValue.uppercased()) picture"
        }
    }

    /// Whether `head`, the first bytes of a non-empty file (at most `headLength`, the whole file when `complete`),
    /// are of this kind.
    func matches(head: Data, complete: Bool) -> Bool {
        switch self {
        case .midi: return head.starts(with: Array("MThd".utf8))
        case .picture(.png): return head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case .picture(.pdf): return head.starts(with: Array("%PDF-".utf8))
        case .picture(.svg): return String(decoding: head, as: UTF8.self).contains("<svg")
        case .json:
            let first = head.first { !Set(" \t\r\n".utf8).contains($0) }
            return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        case .labels:
            // Audacity labels: `start<TAB>end<TAB>text`, and spectral lines starting with a backslash.
            guard let text = String(data: head, encoding: .utf8) else { return false }
            var lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            if !complete { lines = lines.dropLast() }
            return lines.allSatisfy { line in
                if line.hasPrefix("\\") { return true }
                let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                return fields.count >= 2 && Double(fields[0]) != nil && Double(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) != nil
            }
        }
    }
}

/// An output a command will write, checked before any work.
struct PlannedOutput {
    var path: String
    var kind: OutputKind
}

/// Checks an output before any audio is read, so that a bad path costs nothing and leaves nothing:
/// not one of the inputs; not an existing folder, or an existing file of another kind (unless `force`: an empty
/// file holds nothing to lose and is always replaced); its folder exists and takes a new file.
/// - Throws: `CommandFailure` naming the output and the cause.
func checkOutput(_ output: PlannedOutput, inputs: [String], force: Bool) throws {
    try refuseOverwritingInputs(output.path, inputs: inputs)
    var info = stat()
    if stat(output.path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR, !force {
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw CommandFailure(path: output.path, reason: "exists and is not a regular file; refusing to replace it (--force replaces it)")
        }
        if info.st_size > 0 {
            let head = FileHandle(forReadingAtPath: output.path).flatMap { handle in
                defer { try? handle.close() }
                return try? handle.read(upToCount: OutputKind.headLength)
            } ?? Data()
            guard output.kind.matches(head: head, complete: Int(info.st_size) <= OutputKind.headLength) else {
                throw CommandFailure(path: output.path, reason: "exists and is not \(output.kind.name); refusing to replace it (--force replaces it)")
            }
        }
    }
    do { try AtomicOutput.checkWritable(output.path) } catch {
        throw CommandFailure(path: output.path, reason: "cannot write: \(error.problem)")
    }
}

/// Writes a set of outputs all or nothing (see `AtomicOutput.writeAll`), a failure worded by its cause.
/// - Throws: `CommandFailure` naming the output that failed; no output of the set is left.
func writeOutputs(_ outputs: [PendingOutput]) throws {
    do { try AtomicOutput.writeAll(outputs) } catch {
        throw CommandFailure(path: error.path, reason: "cannot write: \(writeCause(of: error))")
    }
}

/// The cause of a failed output in one wording per cause. A library that failed after its file was created says
/// why in its own words, so the folder is probed again: what the system says there is the cause (full disk, folder
/// removed meanwhile); only when the folder is fine is the library's message kept.
private func writeCause(of failure: OutputSetFailure) -> String {
    if let failure = failure.underlying as? WriteFailure { return failure.problem.description }
    do { try AtomicOutput.checkWritable(failure.path, replacingFolder: true) } catch { return error.problem.description }
    switch failure.underlying {
    case let MIDIError.cannotWrite(_, reason): return reason
    case let RenderError.cannotWrite(_, reason): return reason
    case let error as CustomStringConvertible: return error.description
    default: return failure.underlying.localizedDescription
    }
}

/// A set member that writes `data`.
func dataOutput(_ data: Data, to path: String) -> PendingOutput {
    PendingOutput(path: path) { temporary in try AtomicOutput.create(data, at: temporary, reportingAs: path) }
}

/// `value` as pretty, key-sorted JSON with a final newline, for the file at `path`: a value JSON cannot hold (a
/// number that is not finite) is one line naming that file and the key, not the encoder's report.
func jsonData<T: Encodable>(_ value: T, for path: String) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        return try encoder.encode(value) + Data("\n".utf8)
    } catch let EncodingError.invalidValue(invalid, context) {
        let key = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        throw CommandFailure(path: path, reason: "cannot write \(invalid) as JSON (\(key.isEmpty ? "the value" : key))")
    }
}

/// Writes `value` as pretty, key-sorted JSON, atomically.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    try writeOutputs([dataOutput(try jsonData(value, for: path), to: path)])
}

/// Writes `text` as UTF-8, atomically.
func writeText(_ text: String, to path: String) throws {
    try writeOutputs([dataOutput(Data(text.utf8), to: path)])
}

/// Refuses an output path that is one of the inputs (after resolving links), so an input is never overwritten.
func refuseOverwritingInputs(_ output: String, inputs: [String]) throws {
    let target = resolvedPath(output)
    for input in inputs where resolvedPath(input) == target {
        throw CommandFailure(path: output, reason: "refusing to overwrite an input file")
    }
}

/// A path with links resolved and `.`/`..` removed, to compare two names of one file.
func resolvedPath(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
}
