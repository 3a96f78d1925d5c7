/// A Standard MIDI File checked byte by byte in Swift, before anything reaches libsmf.
///
/// libsmf overflows on truncated files and bad tempo events and asserts on a missing end-of-track, so the
/// structure is parsed here first: what is malformed throws, what is merely unusual is normalised the way tolerant
/// readers do (running status carried across meta and sysex events, data bytes above 127 masked to 7 bits,
/// a missing end-of-track added, unknown chunks, sysex and unused meta events dropped with their time kept).
/// libsmf also takes any byte ≥ 0xF8 inside a message for a real-time byte and skips it, even inside meta events,
/// which desynchronises it (a name with 0xFF, or a tempo such as 0x07FFFF, ends in an assertion). So such bytes never
/// reach it: names get '?', time signatures holding them are dropped, and tempo events are given to libsmf as
/// 120 BPM — SoundSort applies the exact tempo map (`tempoMap`) to libsmf's tick times itself.
/// And libsmf reads a meta event's length as one byte, not a variable-length quantity: names reach it cut to 127
/// bytes (`trackNames` keeps them whole).
/// `normalizedBytes` is then a plain file libsmf reads safely.
struct SMFStructure: Equatable {
    /// One event kept for libsmf: the whole message with its status byte, after `delta` ticks.
    struct Event: Equatable {
        var delta: UInt32
        var bytes: [UInt8]
    }

    /// A tempo set at a tick, in microseconds per quarter note, as the file holds it.
    struct Tempo: Equatable {
        var tick: Int
        var microsecondsPerQuarter: Int
    }

    /// 0 or 1 (a format-0 file with several tracks is read as format 1).
    var format: Int
    /// Every tempo event of every track, sorted by tick (stable: at one tick, the later track wins).
    var tempoMap: [Tempo]
    /// A time signature set at a tick.
    struct Meter: Equatable {
        var tick: Int
        var numerator: Int
        /// A power of two.
        var denominator: Int
    }
    /// Every time signature event, sorted by tick (the same way).
    var meters: [Meter]
    /// The first name (meta event 0x03) of each track, whole; empty where a track has none.
    var trackNames: [String]
    /// Ticks per quarter note.
    var division: Int
    var tracks: [[Event]]

    /// Longest variable-length quantity the standard allows.
    static let maximumQuantityBytes = 4

    /// Parses `data`.
    /// - Throws: `MIDIError.malformed` or `.unsupported`, with the offset of the fault.
    init(data: [UInt8], path: String) throws(MIDIError) {
        var reader = ByteReader(bytes: data, path: path)
        if data.starts(with: Array("RIFF".utf8)) {
            // RMID: a Standard MIDI File inside a RIFF "data" chunk.
            guard let start = Self.find(Array("MThd".utf8), in: data) else {
                throw .malformed(path: path, reason: "RIFF file without an MThd chunk")
            }
            reader.offset = start
        }
        guard data.count - reader.offset >= 14 else {
            throw .malformed(path: path, reason: data.isEmpty ? "empty file" : "file too short for a MIDI header (\(data.count) bytes)")
        }
        guard try reader.tag() == "MThd" else { throw .malformed(path: path, reason: "no MThd header") }
        let headerLength = Int(try reader.uint32())
        guard headerLength >= 6, headerLength <= data.count - reader.offset else {
            throw .malformed(path: path, reason: "header length \(headerLength) is invalid")
        }
        let headerEnd = reader.offset + headerLength
        let format = Int(try reader.uint16())
        _ = try reader.uint16()  // The track count is taken from the chunks actually present.
        let division = Int(try reader.uint16())
        reader.offset = headerEnd
        switch format {
        case 0, 1: break
        case 2: throw .unsupported(path: path, reason: "format 2 (independent sequences) is not supported")
        default: throw .malformed(path: path, reason: "unknown format \(format)")
        }
        if division & 0x8000 != 0 {
            throw .unsupported(path: path, reason: "SMPTE time division is not supported")
        }
        guard division > 0 else { throw .malformed(path: path, reason: "time division of 0 ticks per quarter note") }

        var tracks: [[Event]] = []
        var tempi: [Tempo] = []
        var meters: [Meter] = []
        var names: [String] = []
        while data.count - reader.offset >= 8 {
            let tag = try reader.tag()
            let length = Int(try reader.uint32())
            guard length <= data.count - reader.offset else {
                throw .malformed(path: path, reason: "chunk '\(tag)' at byte \(reader.offset - 8) claims \(length) bytes but only \(data.count - reader.offset) remain")
            }
            let end = reader.offset + length
            if tag == "MTrk" {
                var name = ""
                tracks.append(try Self.parseTrack(&reader, end: end, number: tracks.count, tempi: &tempi, meters: &meters, name: &name))
                names.append(name)
            }
            reader.offset = end
        }
        guard !tracks.isEmpty else { throw .malformed(path: path, reason: "no track chunks") }
        self.format = tracks.count > 1 ? 1 : format
        self.division = division
        self.tracks = tracks
        trackNames = names
        tempoMap = tempi.enumerated().sorted { ($0.element.tick, $0.offset) < ($1.element.tick, $1.offset) }.map(\.element)
        self.meters = meters.enumerated().sorted { ($0.element.tick, $0.offset) < ($1.element.tick, $1.offset) }.map(\.element)
    }

    private static func parseTrack(_ reader: inout ByteReader, end: Int, number: Int, tempi: inout [Tempo], meters: inout [Meter],
                                   name: inout String) throws(MIDIError) -> [Event] {
        var events: [Event] = []
        var runningStatus: UInt8?
        var pendingDelta: UInt32 = 0
        var tick = 0
        reader.limit = end
        defer { reader.limit = nil }
        while reader.offset < end {
            let eventStart = reader.offset
            let delta = try reader.quantity()
            pendingDelta = pendingDelta &+ delta
            tick += Int(delta)
            if pendingDelta > 0x0FFF_FFFF || tick > 0x7FFF_FFFF {
                throw .malformed(path: reader.path, reason: "track \(number): event time overflows at byte \(eventStart)")
            }
            var status = try reader.byte()
            if status < 0x80 {
                guard let running = runningStatus else {
                    throw .malformed(path: reader.path, reason: "track \(number): data byte 0x\(hex(status)) without a status byte at byte \(reader.offset - 1)")
                }
                status = running
                reader.offset -= 1
            }
            switch status {
            case 0xFF:
                let type = try reader.byte()
                let length = Int(try reader.quantity())
                let payload = try reader.bytes(length)
                if type == 0x2F { return finish(events, pendingDelta) }
                if type == 0x03, name.isEmpty { name = decodeText(payload) }
                if type == 0x58, payload.count >= 2, payload[0] > 0, payload[1] < 8 {
                    meters.append(Meter(tick: tick, numerator: Int(payload[0]), denominator: 1 << Int(payload[1])))
                }
                if type == 0x51, payload.count == 3 {
                    tempi.append(Tempo(tick: tick, microsecondsPerQuarter: Int(payload[0]) << 16 | Int(payload[1]) << 8 | Int(payload[2])))
                }
                guard let kept = try keptMeta(type: type, payload: payload, reader: reader, track: number, at: eventStart) else { continue }
                events.append(Event(delta: pendingDelta, bytes: kept))
                pendingDelta = 0
            case 0xF0, 0xF7:
                let length = Int(try reader.quantity())
                _ = try reader.bytes(length)  // Sysex: irrelevant to notes; its time is kept.
            case 0x80...0xEF:
                let dataCount = (0xC0...0xDF).contains(status) ? 1 : 2
                var message = [status]
                for _ in 0..<dataCount { message.append(try reader.byte() & 0x7F) }
                runningStatus = status
                events.append(Event(delta: pendingDelta, bytes: message))
                pendingDelta = 0
            default:
                throw .malformed(path: reader.path, reason: "track \(number): status byte 0x\(hex(status)) is not allowed in a MIDI file (byte \(eventStart))")
            }
        }
        return finish(events, pendingDelta)
    }

    /// Keeps the meta events SoundSort uses (track name, tempo, time signature), in libsmf's expected form.
    private static func keptMeta(type: UInt8, payload: [UInt8], reader: ByteReader, track: Int, at offset: Int) throws(MIDIError) -> [UInt8]? {
        switch type {
        case 0x03:
            let name = payload.prefix(Int(maximumMetaLength)).map { $0 >= realTimeStart ? UInt8(ascii: "?") : $0 }
            return [0xFF, 0x03, UInt8(name.count)] + name
        case 0x51:
            guard payload.count == 3 else {
                throw .malformed(path: reader.path, reason: "track \(track): tempo event of \(payload.count) bytes instead of 3 (byte \(offset))")
            }
            guard payload != [0, 0, 0] else {
                throw .malformed(path: reader.path, reason: "track \(track): tempo of 0 µs per quarter note (byte \(offset))")
            }
            return [0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20]  // 120 BPM for libsmf; the real value is in `tempoMap`.
        case 0x58:
            guard payload.count == 4, payload[1] < 8, payload.allSatisfy({ $0 < realTimeStart }) else { return nil }
            return [0xFF, 0x58, 0x04] + payload
        default:
            return nil
        }
    }

    private static func finish(_ events: [Event], _ delta: UInt32) -> [Event] {
        events + [Event(delta: delta, bytes: [0xFF, 0x2F, 0x00])]
    }

    /// A clean Standard MIDI File of the same content: explicit status bytes, one end-of-track per track.
    var normalizedBytes: [UInt8] {
        var out: [UInt8] = Array("MThd".utf8) + be32(6) + be16(format) + be16(tracks.count) + be16(division)
        for track in tracks {
            var body: [UInt8] = []
            for event in track {
                body += Self.quantityBytes(event.delta)
                body += event.bytes
            }
            out += Array("MTrk".utf8) + be32(body.count) + body
        }
        return out
    }

    /// Bytes libsmf takes for real-time messages wherever they appear.
    static let realTimeStart: UInt8 = 0xF8
    /// The longest meta event payload libsmf reads correctly (it takes the length as one byte).
    static let maximumMetaLength: UInt8 = 127

    /// Text of a meta event: UTF-8 when it is, else Latin-1 (what old hardware wrote); control characters become '?'
    /// so a name can be printed safely.
    static func decodeText(_ bytes: [UInt8]) -> String {
        let text = String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? "?" : $0 }))
    }

    /// Seconds at `tick` through the tempo map (120 BPM before the first tempo event).
    func seconds(atTick tick: Int) -> Double {
        var segmentTick = 0
        var segmentSeconds = 0.0
        var secondsPerTick = 0.5 / Double(division)
        for tempo in tempoMap {
            guard tempo.tick <= tick else { break }
            segmentSeconds += Double(tempo.tick - segmentTick) * secondsPerTick
            segmentTick = tempo.tick
            secondsPerTick = Double(tempo.microsecondsPerQuarter) / 1_000_000 / Double(division)
        }
        return segmentSeconds + Double(tick - segmentTick) * secondsPerTick
    }

    static func quantityBytes(_ value: UInt32) -> [UInt8] {
        var groups: [UInt8] = [UInt8(value & 0x7F)]
        var rest = value >> 7
        while rest > 0 {
            groups.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        return groups.reversed()
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}

private func be32(_ value: Int) -> [UInt8] { [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
private func be16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
func hex(_ byte: UInt8) -> String { String(byte, radix: 16, uppercase: true).leftPadded(to: 2) }

extension String {
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Reads big-endian fields and MIDI quantities, never past `limit` (or the end), always advancing.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset = 0
    var limit: Int?

    private var end: Int { limit ?? bytes.count }

    mutating func byte() throws(MIDIError) -> UInt8 {
        guard offset < end else { throw truncated() }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func bytes(_ count: Int) throws(MIDIError) -> [UInt8] {
        guard count >= 0, count <= end - offset else { throw truncated() }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func uint16() throws(MIDIError) -> UInt16 {
        UInt16(try byte()) << 8 | UInt16(try byte())
    }

    mutating func uint32() throws(MIDIError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 { value = value << 8 | UInt32(try byte()) }
        return value
    }

    mutating func tag() throws(MIDIError) -> String {
        String(decoding: try bytes(4).map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    }

    /// A variable-length quantity of at most four bytes.
    mutating func quantity() throws(MIDIError) -> UInt32 {
        let start = offset
        var value: UInt32 = 0
        for _ in 0..<SMFStructure.maximumQuantityBytes {
            let next = try byte()
            value = value << 7 | UInt32(next & 0x7F)
            if next & 0x80 == 0 { return value }
        }
        throw .malformed(path: path, reason: "variable-length quantity longer than 4 bytes at byte \(start)")
    }

    private func truncated() -> MIDIError {
        .malformed(path: path, reason: limit == nil ? "file truncated at byte \(offset)" : "track chunk ends inside an event (byte \(offset))")
    }
}
