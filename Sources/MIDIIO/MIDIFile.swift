internal import CSMF
import Foundation
import SoundSortCore

/// A Standard MIDI File read into notes, with what `soundsort info` shows about it.
public struct MIDIFile: Sendable, Equatable {
    /// A tempo in force from `time` on.
    public struct TempoChange: Sendable, Equatable, Codable {
        /// Seconds from the start.
        public var time: Double
        /// Microseconds per quarter note, as stored in the file.
        public var microsecondsPerQuarter: Int
        public var beatsPerMinute: Double { 60_000_000 / Double(microsecondsPerQuarter) }

        public init(time: Double, microsecondsPerQuarter: Int) {
            self.time = time
            self.microsecondsPerQuarter = microsecondsPerQuarter
        }
    }

    public struct Track: Sendable, Equatable {
        public var name: String
        public var noteCount: Int
    }

    /// 0 or 1.
    public var format: Int
    /// Ticks per quarter note.
    public var ticksPerQuarter: Int
    public var tracks: [Track]
    public var tempoChanges: [TempoChange]
    /// Time of the last event, in seconds.
    public var duration: Double
    public var notes: NoteList
    /// Times of the bar lines up to `duration`, bar 1 first, in seconds: from the file's time signatures (4/4 before
    /// the first) through its tempo map.
    public var barLines: [Double]

    /// Bar lines listed at most (a guard against absurd meters).
    public static let maximumBars = 100_000

    /// Reads the file at `path`.
    /// - Throws: `MIDIError` naming the file and the fault; the file is never modified.
    public init(path: String) throws(MIDIError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotRead(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw .cannotRead(path: path, reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .cannotRead(path: path, reason: "permission denied or unreadable")
        }
        try self.init(bytes: [UInt8](data), path: path)
    }

    /// Reads a file's bytes; `path` only names it in errors.
    public init(bytes: [UInt8], path: String) throws(MIDIError) {
        let structure = try SMFStructure(data: bytes, path: path)
        let normalized = structure.normalizedBytes
        // libsmf takes the length as an int.
        guard normalized.count <= Int(Int32.max) else { throw .unsupported(path: path, reason: "larger than 2 GB") }
        let (loaded, logged) = LibSMF.run { () -> MIDIFile? in
            guard let smf = normalized.withUnsafeBytes({ smf_load_from_memory($0.baseAddress, Int32($0.count)) }) else { return nil }
            defer { smf_delete(smf) }
            return MIDIFile(loaded: smf, structure: structure)
        }
        guard let loaded else {
            throw .library(path: path, message: logged.last ?? "could not load the file")
        }
        self = loaded
    }

    private init(loaded smf: UnsafeMutablePointer<smf_t>, structure: SMFStructure) {
        format = structure.format
        ticksPerQuarter = structure.division
        // Names come from the Swift check, whole (libsmf saw them cut to 127 bytes).
        let names = structure.trackNames
        var collector = NoteCollector()
        var lastTime = 0.0
        smf_rewind(smf)
        while let event = smf_get_next_event(smf) {
            let message = UnsafeBufferPointer(start: event.pointee.midi_buffer, count: Int(event.pointee.midi_buffer_length))
            let track = Int(event.pointee.track_number) - 1
            let time = structure.seconds(atTick: Int(event.pointee.time_pulses))
            lastTime = max(lastTime, time)
            guard let status = message.first, names.indices.contains(track) else { continue }
            if status < 0xF0, message.count >= 2 {
                collector.handle(status: status, data1: Int(message[1]), data2: message.count > 2 ? Int(message[2]) : 0,
                                 time: time, track: track)
            }
        }
        // The file's own tempo map, applied in Swift (libsmf only ever saw 120 BPM); repeats of a tempo are not changes.
        var tempos: [TempoChange] = []
        for tempo in structure.tempoMap where tempos.last?.microsecondsPerQuarter != tempo.microsecondsPerQuarter {
            let change = TempoChange(time: structure.seconds(atTick: tempo.tick), microsecondsPerQuarter: tempo.microsecondsPerQuarter)
            if tempos.last?.time == change.time { tempos[tempos.count - 1] = change } else { tempos.append(change) }
        }
        tempoChanges = tempos
        let notes = collector.finish(endOfFile: lastTime)
        duration = max(lastTime, notes.map(\.offset).max() ?? 0)
        self.notes = NoteList(notes: notes, trackNames: names)
        tracks = names.indices.map { index in Track(name: names[index], noteCount: notes.count { $0.track == index }) }
        barLines = Self.barLines(structure, until: duration)
    }
}

extension MIDIFile {
    /// Bar lines through `until` seconds: each time signature starts a bar and holds until the next.
    static func barLines(_ structure: SMFStructure, until end: Double) -> [Double] {
        var meters = structure.meters
        if meters.first?.tick != 0 { meters.insert(.init(tick: 0, numerator: 4, denominator: 4), at: 0) }
        var lines: [Double] = []
        for (i, meter) in meters.enumerated() {
            let barTicks = max(1, meter.numerator * 4 * structure.division / meter.denominator)
            var tick = meter.tick
            let next = i + 1 < meters.count ? meters[i + 1].tick : Int.max
            while tick < next && lines.count < maximumBars {
                let time = structure.seconds(atTick: tick)
                guard time <= end else { return lines }
                if lines.last != time { lines.append(time) }
                tick += barTicks
            }
        }
        return lines
    }
}

/// Pairs note-ons with note-offs, first in first out per (track, channel, pitch); follows program changes.
struct NoteCollector {
    private struct Key: Hashable { var track: Int, channel: Int, pitch: Int }
    private var open: [Key: [(onset: Double, velocity: Int, program: Int)]] = [:]
    private var programs = [Int](repeating: 0, count: 16)
    private var notes: [Note] = []

    mutating func handle(status: UInt8, data1: Int, data2: Int, time: Double, track: Int) {
        let channel = Int(status & 0x0F)
        switch status & 0xF0 {
        case 0x90 where data2 > 0:
            open[Key(track: track, channel: channel, pitch: data1), default: []].append((time, data2, programs[channel]))
        case 0x80, 0x90:
            let key = Key(track: track, channel: channel, pitch: data1)
            guard var started = open[key], !started.isEmpty else { return }  // A note-off without a note-on.
            let first = started.removeFirst()
            open[key] = started
            notes.append(Note(onset: first.onset, offset: time, pitch: data1, velocity: first.velocity,
                              channel: channel, track: track, program: first.program))
        case 0xC0:
            programs[channel] = data1
        default:
            break
        }
    }

    /// The paired notes; notes never released end at `endOfFile`.
    mutating func finish(endOfFile: Double) -> [Note] {
        for (key, started) in open.sorted(by: { ($0.key.track, $0.key.channel, $0.key.pitch) < ($1.key.track, $1.key.channel, $1.key.pitch) }) {
            for start in started {
                notes.append(Note(onset: start.onset, offset: max(endOfFile, start.onset), pitch: key.pitch, velocity: start.velocity,
                                  channel: key.channel, track: key.track, program: start.program))
            }
        }
        open.removeAll()
        return notes
    }
}
