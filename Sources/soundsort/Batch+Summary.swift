import Foundation
import MIDIIO
import SoundSortCore
import Transcribe

/// One line of a batch's `summary.jsonl`: what became of one song. Every key is present on every line (null when
/// it does not apply), so that a reader needs no schema.
struct SummaryRecord: Codable, Equatable {
    enum Status: String, Codable { case ok, failed }

    /// The song's path as given or found.
    var input: String
    /// The files written for it (none when it failed).
    var outputs: [String]
    var status: Status
    /// `PATH: what went wrong`, when it failed.
    var error: String?
    var events: Int?
    var sounds: Int?
    /// Length of the song, in seconds.
    var audioSeconds: Double?
    /// Wall-clock time the song took, in seconds (its own process, from start to end); null for a song whose
    /// outputs were found up to date without an earlier line to tell.
    var seconds: Double?
    /// Peak resident memory of the song's process, in megabytes.
    var peakMegabytes: Double?
    /// With `--kit`: the re-synthesis error over the whole song, in dB (the kit's log-mel distance); null otherwise.
    var resynthesisDecibels: Double?

    private enum CodingKeys: String, CodingKey {
        case input, outputs, status, error, events, sounds, audioSeconds, seconds, peakMegabytes, resynthesisDecibels
    }

    init(input: String, outputs: [String], status: Status, error: String? = nil, events: Int? = nil, sounds: Int? = nil,
         audioSeconds: Double? = nil, seconds: Double? = nil, peakMegabytes: Double? = nil, resynthesisDecibels: Double? = nil) {
        self.input = input
        self.outputs = outputs
        self.status = status
        self.error = error
        self.events = events
        self.sounds = sounds
        self.audioSeconds = audioSeconds
        self.seconds = seconds
        self.peakMegabytes = peakMegabytes
        self.resynthesisDecibels = resynthesisDecibels
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(input, forKey: .input)
        try container.encode(outputs, forKey: .outputs)
        try container.encode(status, forKey: .status)
        try container.encode(error, forKey: .error)
        try container.encode(events, forKey: .events)
        try container.encode(sounds, forKey: .sounds)
        try container.encode(audioSeconds, forKey: .audioSeconds)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(peakMegabytes, forKey: .peakMegabytes)
        try container.encode(resynthesisDecibels, forKey: .resynthesisDecibels)
    }

    /// The record as one line of JSON (keys sorted), with its newline.
    var line: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        return (try! encoder.encode(self)) + Data("\n".utf8)
    }

    /// A record for a song found up to date with no earlier line (outputs made by another run or the summary
    /// removed): the counts read back from its MIDI file, the length from the audio file's header.
    static func upToDate(input: String, outputs: [String]) -> SummaryRecord {
        let midi = try? MIDIFile(path: outputs[0])
        return SummaryRecord(input: input, outputs: outputs, status: .ok, events: midi?.notes.notes.count,
                             sounds: midi.map { max($0.tracks.count - 1, 0) }, audioSeconds: try? AudioFile(path: input).declaredDuration)
    }
}

/// A batch's summary file: one line appended per song as it ends, so that a killed batch keeps the record of every
/// song it finished; rewritten at the end of a run with one line per song (the latest), sorted by input.
final class SummaryLog {
    let path: String
    private var descriptor: Int32 = -1

    init(path: String) { self.path = path }

    /// The records of an earlier run, the latest line of each song kept, keyed by the song's resolved path. Lines that
    /// do not parse (a summary edited by hand) are left out.
    static func read(_ path: String) -> [String: SummaryRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        var records: [String: SummaryRecord] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) {
            if let record = try? JSONDecoder().decode(SummaryRecord.self, from: Data(line)) {
                records[resolvedPath(record.input)] = record
            }
        }
        return records
    }

    /// Appends one record as a single `write` on a file opened for appending: a line is whole or absent, even when
    /// the batch is killed.
    /// - Throws: `CommandFailure` with the cause, naming the summary.
    func append(_ record: SummaryRecord) throws {
        if descriptor < 0 {
            descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw failure(errno) }
        }
        let line = record.line
        let written = line.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress!, $0.count) }
        guard written == line.count else { throw failure(written < 0 ? errno : ENOSPC) }
    }

    /// Replaces the summary with `records`, one line each, sorted by input, atomically.
    func rewrite(_ records: [SummaryRecord]) throws {
        close()
        let data = records.sorted { $0.input < $1.input }.reduce(into: Data()) { $0 += $1.line }
        try writeOutputs([dataOutput(data, to: path)])
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    deinit { close() }

    private func failure(_ code: Int32) -> CommandFailure {
        CommandFailure(path: path, reason: "cannot write: \(WriteProblem(errno: code, folder: AtomicOutput.folder(of: path)))")
    }
}
