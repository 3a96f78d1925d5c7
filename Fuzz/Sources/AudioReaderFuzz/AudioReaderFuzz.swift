import FuzzDriver
import Kit
import SoundSortCore
import Transcribe

/// What libFuzzer calls with each input: the bytes of an audio file (WAV, FLAC, AIFF… whatever libsndfile makes of
/// them), read in memory through libsndfile's virtual I/O and transcribed, then a kit cut from it and the song rebuilt
/// (`--kit`). Any bytes must give a transcription whose every part is consistent and a kit of finite samples, or a
/// `TranscribeError`; never a crash, a hang or a leak.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzAudioReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    do {
        // A few bytes of FLAC can decode to an hour of silence: such inputs are not bugs, only slow. Skip them.
        guard try decodedSamples(bytes, upTo: maximumSamples) <= maximumSamples else { return 0 }
        let transcription = try Transcriber().analyse(bytes: bytes, path: "fuzz.audio").transcription
        check(transcription)
        try checkKit(of: transcription, bytes: bytes)
    } catch {
        _ = String(describing: error)
    }
    return 0
}

/// Inputs decoding to more samples than this (all channels) are skipped: about a minute of stereo at 44.1 kHz.
let maximumSamples = 5_000_000

/// How many samples the bytes decode to, counting no further than just past `limit`.
func decodedSamples(_ bytes: [UInt8], upTo limit: Int) throws -> Int {
    let file = try AudioFile(bytes: bytes, path: "fuzz.audio")
    var block: [Float] = []
    var total = 0
    while total <= limit {
        block.removeAll(keepingCapacity: true)
        let frames = try file.read(maxFrames: 65_536, appendingTo: &block)
        if frames == 0 { break }
        total += frames * file.channelCount
    }
    return total
}

/// Stops on anything a MIDI writer or a user could not take.
func check(_ transcription: Transcription) {
    guard transcription.duration.isFinite, transcription.duration > 0 else { fatalError("duration \(transcription.duration)") }
    var previous = -Double.infinity
    for event in transcription.events {
        guard event.onset.isFinite, event.onset >= previous, event.onset >= 0, event.onset <= transcription.duration + 0.1,
              event.duration.isFinite, event.duration > 0,
              transcription.sounds.indices.contains(event.sound), (1...127).contains(event.velocity),
              event.pitchHz.map({ $0.isFinite && $0 > 0 }) ?? true else {
            fatalError("inconsistent event \(event) in \(transcription.duration) s")
        }
        previous = event.onset
    }
    for (index, sound) in transcription.sounds.enumerated() {
        guard sound.id == index, (0...127).contains(sound.midiNote), transcription.events.contains(where: { $0.sound == index }) else {
            fatalError("inconsistent sound \(sound)")
        }
    }
}

/// Cuts a kit from the song as `transcribe --kit` does (one channel per sound, its own note as key) and rebuilds the
/// song from it; stops on a sample or a rebuild that is not finite.
func checkKit(of transcription: Transcription, bytes: [UInt8]) throws {
    let file = try AudioFile(bytes: bytes, path: "fuzz.audio")
    let audio = try file.readAllMono()
    let triggers = transcription.sounds.indices.map { Kit.Trigger(channel: $0 % 16, key: transcription.sounds[$0].midiNote, program: nil) }
    let kit = Kit(transcription: transcription, audio: audio, sampleRate: file.sampleRate, triggers: triggers, decibelsPerVelocity: 48.0 / 127)
    for voice in kit.voices where !voice.samples.allSatisfy(\.isFinite) || !voice.lead.isFinite {
        fatalError("sample of \(voice.name) not finite")
    }
    let notes = transcription.events.map { Resynthesis.Note(voice: $0.sound, onset: $0.onset, offset: $0.offset, velocity: $0.velocity) }
    let rebuild = Resynthesis.render(notes, kit: kit, frameCount: audio.count)
    guard rebuild.allSatisfy(\.isFinite) else { fatalError("rebuild not finite") }
    _ = try ResynthesisError(song: audio, rebuild: rebuild, sampleRate: file.sampleRate)
}

/// SwiftPM links an executable's entry point under this name; it hands control to libFuzzer's driver.
@_cdecl("AudioReaderFuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv) { data, size in fuzzAudioReader(data, size) }
}
