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
        let (status, logged) = LibSMF.run { () -> Int32 in
            guard let smf = smf_new() else { return -1 }
            defer { smf_delete(smf) }
            guard smf_set_ppqn(smf, Int32(ticksPerQuarter)) == 0 else { return -1 }
            var lastTick = 0
            let conductor = addTrack(to: smf)
            for signature in timeSignatures {
                let tick = Int((signature.beat * Double(ticksPerQuarter)).rounded())
                add(meta(0x58, [UInt8(signature.numerator & 0xFF), UInt8(log2(Double(signature.denominator))), 24, 8]), at: tick, to: conductor)
            }
            for change in tempoChanges {
                let value = min(max(change.microsecondsPerQuarter, 1), 0xFF_FFFF)
                add(meta(0x51, [UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]), at: ticks(at: change.time), to: conductor)
            }
            for song in tracks {
                let track = addTrack(to: smf)
                let channel = UInt8(song.channel & 0x0F)
                add(meta(0x03, Self.nameBytes(song.name)), at: 0, to: track)
                if let program = song.program { add([0xC0 | channel, UInt8(program & 0x7F)], at: 0, to: track) }
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
                for message in messages { add(message.bytes, at: message.tick, to: track) }
                lastTick = max(lastTick, messages.last?.tick ?? 0)
            }
            for number in 1...Int32(tracks.count + 1) {
                if let track = smf_get_track_by_number(smf, number), smf_track_add_eot_pulses(track, Int32(lastTick)) != 0 { return -1 }
            }
            return smf_save(smf, temporary)
        }
        if status != 0 {
            throw .cannotWrite(path: path, reason: logged.last ?? "libsmf could not save the file")
        }
    }

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

    private func addTrack(to smf: UnsafeMutablePointer<smf_t>) -> UnsafeMutablePointer<smf_track_t> {
        let track = smf_track_new()!
        smf_add_track(smf, track)
        return track
    }

    private func meta(_ type: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0xFF, type] + SMFStructure.quantityBytes(UInt32(payload.count)) + payload
    }

    private func add(_ bytes: [UInt8], at tick: Int, to track: UnsafeMutablePointer<smf_track_t>) {
        var bytes = bytes
        let event = bytes.withUnsafeMutableBytes { smf_event_new_from_pointer($0.baseAddress, Int32($0.count)) }!
        smf_track_add_event_pulses(track, event, Int32(tick))
    }
}
