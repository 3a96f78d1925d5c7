/// Builds Standard MIDI File bytes by hand, for files no well-behaved writer would make.
public enum SMFBytes {
    /// A header chunk followed by one MTrk chunk per element of `tracks` (their raw event bytes, as given).
    public static func file(format: Int = 1, trackCount: Int? = nil, division: Int = 480, tracks: [[UInt8]]) -> [UInt8] {
        var out = Array("MThd".utf8) + be32(6) + be16(format) + be16(trackCount ?? tracks.count) + be16(division)
        for track in tracks { out += chunk("MTrk", track) }
        return out
    }

    public static func chunk(_ tag: String, _ body: [UInt8]) -> [UInt8] { Array(tag.utf8) + be32(body.count) + body }

    /// End of track, after a delta of 0.
    public static let endOfTrack: [UInt8] = [0x00, 0xFF, 0x2F, 0x00]

    /// A tempo meta event after a delta of 0.
    public static func tempo(beatsPerMinute: Double) -> [UInt8] {
        let value = Int(60_000_000 / beatsPerMinute)
        return [0x00, 0xFF, 0x51, 0x03, UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    public static func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    public static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
}
