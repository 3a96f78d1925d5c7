internal import CSMF
import Foundation
import SoundSortCore

extension MIDISong {
    /// Writes the song as a format-1 Standard MIDI File, atomically: `path` is complete or untouched.
    ///
    /// Track 0 holds the tempo map and time signatures; track *n* (from 1) holds `tracks[n - 1]`. At one tick,
    /// note-offs come before note-ons, so a repeated note is never cut by its own release. Output is
    /// byte-identical for equal songs.
    public func write(to path: String) throws(MIDIError) {
        do {
            try AtomicOutput.write(to: path) { temporary in try self.save(to: temporary, reportingAs: path) }
        } catch let error as MIDIError {
            throw error
        } catch {
            throw .cannotWrite(path: path, reason: "\(error.localizedDescription)")
        }
    }

    private func save(to temporary: String, reportingAs path: String) throws(MIDIError) {
        guard (1...0x7FFF).contains(ticksPerQuarter) else {
            throw .cannotWrite(path: path, reason: "ticks per quarter note must be 1…32767, not \(ticksPerQuarter)")
        }
        // Every time becomes a tick in libsmf's int (times before 0 are written at 0), through tempi a MIDI file can hold.
        if let tempo = tempoChanges.first(where: { !(1...Self.slowestTempo).contains($0.microsecondsPerQuarter) }) {
            throw .cannotWrite(path: path, reason: "a tempo of \(tempo.microsecondsPerQuarter) µs per quarter note (allowed: 1…\(Self.slowestTempo))")
        }
        let times = tempoChanges.map(\.time) + tracks.flatMap(\.notes).flatMap { [$0.onset, $0.offset] }
        if let time = times.first(where: { !$0.isFinite || !(tickPosition(at: max(0, $0)) < Double(Self.lastTick)) }) {
            throw .cannotWrite(path: path, reason: "a note or tempo change at \(time) s lies outside what a MIDI file can hold")
        }
        let (failure, logged) = LibSMF.run { () -> String? in
            guard let smf = smf_new() else { return "libsmf could not make a song (out of memory)" }
            defer { smf_delete(smf) }
            guard smf_set_ppqn(smf, Int32(ticksPerQuarter)) == 0 else { return "libsmf refused \(ticksPerQuarter) ticks per quarter note" }
            var lastTick = 0
            guard let conductor = addTrack(to: smf) else { return "libsmf could not add a track" }
            for signature in timeSignatures {
                let tick = Int((signature.beat * Double(ticksPerQuarter)).rounded())
                guard add(meta(0x58, [UInt8(signature.numerator & 0xFF), UInt8(log2(Double(signature.denominator))), 24, 8]), at: tick, to: conductor) else {
                    return "libsmf refused the time signature"
                }
            }
            for change in tempoChanges {
                let value = change.microsecondsPerQuarter
                guard add(meta(0x51, [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]), at: max(0, ticks(at: change.time)), to: conductor) else {
                    return "libsmf refused a tempo change at \(change.time) s"
                }
            }
            for song in tracks {
                guard let track = addTrack(to: smf) else { return "libsmf could not add a track" }
                let channel = UInt8(song.channel & 0x0F)
                guard add(meta(0x03, Self.nameBytes(song.name)), at: 0, to: track) else { return "libsmf refused the track name \(song.name)" }
                if let program = song.program, !add([0xC0 | channel, UInt8(program & 0x7F)], at: 0, to: track) {
                    return "libsmf refused a program change"
                }
                // (tick, 0 = off / 1 = on, pitch): offs first at a tick.
                var messages: [(tick: Int, order: Int, pitch: Int, bytes: [UInt8])] = []
                for note in song.notes {
                    let pitch = UInt8(min(max(note.pitch, 0), 127))
                    let velocity = UInt8(min(max(note.velocity, 1), 127))
                    let on = max(ticks(at: note.onset), 0)
                    let off = max(ticks(at: note.offset), on + 1)
                    messages.append((on, 1, Int(pitch), [0x90 | channel, pitch, velocity]))
                    messages.append((off, 0, Int(pitch), [0x80 | channel, pitch, 0]))
                }
                messages.sort { ($0.tick, $0.order, $0.pitch) < ($1.tick, $1.order, $1.pitch) }
                for message in messages where !add(message.bytes, at: message.tick, to: track) {
                    return "libsmf refused a note at tick \(message.tick)"
                }
                lastTick = max(lastTick, messages.last?.tick ?? 0)
            }
            for number in 1...Int32(tracks.count + 1) {
                guard let track = smf_get_track_by_number(smf, number) else { return "libsmf lost track \(number)" }
                guard smf_track_add_eot_pulses(track, Int32(lastTick)) == 0 else { return "libsmf could not end track \(number)" }
            }
            guard smf_save(smf, temporary) == 0 else { return "libsmf could not save the file" }
            return nil
        }
        if let failure {
            // What libsmf logged says why, when it said anything.
            throw .cannotWrite(path: path, reason: logged.last ?? failure)
        }
    }

    /// The slowest tempo a MIDI file can state, in µs per quarter note (three bytes).
    static let slowestTempo = 0xFF_FFFF
    /// The latest tick written (libsmf counts ticks in an int; one more for a note's end).
    static let lastTick = Int(Int32.max) - 1

    /// A track name as libsmf can read it back: at most 127 bytes (its meta-length limit), cut between characters.
    static func nameBytes(_ name: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for character in name {
            let utf8 = Array(String(character).utf8)
            guard bytes.count + utf8.count <= Int(SMFStructure.maximumMetaLength) else { break }
            bytes += utf8
        }
        return bytes
    }

    /// A new track added to `smf`; nil when libsmf could not make one.
    private func addTrack(to smf: UnsafeMutablePointer<smf_t>) -> UnsafeMutablePointer<smf_track_t>? {
        guard let track = smf_track_new() else { return nil }
        smf_add_track(smf, track)
        return track.pointee.smf == smf ? track : nil
    }

    private func meta(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, type] + SMFStructure.quantityBytes(UInt32(payload.count)) + payload
    }

    /// Adds one event at `tick`; false when libsmf made no event of the bytes or did not attach it to the track (it
    /// refuses events after the end of a track, with a message it logs).
    private func add(_ bytes: [UInt8], at tick: Int, to track: UnsafeMutablePointer<smf_track_t>) -> Bool {
        var bytes = bytes
        guard let event = bytes.withUnsafeMutableBytes({ smf_event_new_from_pointer($0.baseAddress, Int32($0.count)) }) else { return false }
        smf_track_add_event_pulses(track, event, Int32(tick))
        guard event.pointee.track == track else {
            smf_event_delete(event)
            return false
        }
        return true
    }
}
