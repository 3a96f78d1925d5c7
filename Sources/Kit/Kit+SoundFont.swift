import Foundation

extension Kit {
    /// SoundFont 2 generator numbers used here (SoundFont 2.01 specification, 8.1.2).
    enum Generator: UInt16 {
        case chorusEffectsSend = 15, reverbEffectsSend = 16, releaseVolEnv = 38, instrument = 41, keyRange = 43
        case sampleID = 53, sampleModes = 54, overridingRootKey = 58
    }

    /// Zero points after each sample, as the specification asks (for interpolating players).
    static let samplePadding = 46
    /// A mono sample (`sfSampleType`).
    static let monoSample: UInt16 = 1
    /// Bytes of a name field, the terminating zero included.
    static let nameBytes = 20
    /// A one-shot voice's release at note-off in timecents: a SoundFont player has no one-shot mode, and its release
    /// falls linearly in dB, 100 dB over the release time; over 100 × the sample's length, the sample has lost less
    /// than 1 dB when it ends (at most 8000 timecents, about 100 s, the specification's largest release).
    func oneShotReleaseTimecents(_ voice: Voice) -> Int16 {
        let seconds = max(Resynthesis.releaseDuration, 100 * Double(voice.samples.count) / sampleRate)
        return Int16(min(8_000, (1200 * log2(seconds)).rounded()))
    }

    /// The release at note-off in timecents (1200 · log2 of `Resynthesis.releaseDuration` seconds).
    static var releaseTimecents: Int16 { Int16((1200 * log2(Resynthesis.releaseDuration)).rounded()) }

    /// The presets of the kit: one per (bank, program), holding the voices of the tracks that select it, each on its
    /// own key. A tonal track has a channel and a program of its own, so it has a preset of its own; the drum tracks
    /// share channel 10 and so one preset in bank 128, one key per drum, like a General MIDI kit.
    public var presets: [(bank: Int, program: Int, voices: [Int])] {
        let grouped = Dictionary(grouping: voices.indices) { PresetKey(bank: voices[$0].bank, program: voices[$0].program) }
        return grouped.keys.sorted { ($0.bank, $0.program) < ($1.bank, $1.program) }.map { ($0.bank, $0.program, grouped[$0]!) }
    }

    private struct PresetKey: Hashable { var bank: Int, program: Int }

    /// The gain each voice's sample is stored with in the SoundFont: players (fluidsynth, and the SoundFont 2
    /// specification's default modulator) play velocity v at (v/127)² of the sample's amplitude, so a sample played at
    /// velocity v in the song is stored (127/v)² louder; all of them by one common factor so that none clips, and the
    /// sounds keep their levels relative to each other.
    public var soundFontGains: [Float] {
        let raw = voices.map { voice -> Double in
            let velocity = Double(min(max(voice.velocity, 1), 127))
            return (127 / velocity) * (127 / velocity)
        }
        let loudest = zip(voices, raw).map { voice, gain in Double(voice.samples.lazy.map(abs).max() ?? 0) * gain }.max() ?? 0
        let common = loudest > 0 ? min(1, 0.999 / loudest) : 1
        return raw.map { Float($0 * common) }
    }

    /// The kit as a SoundFont 2 file (RIFF `sfbk`: INFO, 16-bit `sdta`, `pdta` with every record list and its terminal
    /// record): one sample and one instrument per sound, the instrument playing its sample at its key's pitch, once, with
    /// `Resynthesis.releaseDuration` of release and no reverb or chorus send; presets as in `presets`.
    /// - Parameter name: the bank's name (INAM).
    public func soundFont(name: String) -> [UInt8] {
        var smpl = ByteWriter()
        var shdr = ByteWriter()
        let gains = soundFontGains
        for (index, voice) in voices.enumerated() {
            let start = smpl.bytes.count / 2
            for value in voice.samples {
                let scaled = (Double(value * gains[index]) * 32_767).rounded()
                smpl.int16(Int16(min(max(scaled, -32_768), 32_767)))
            }
            for _ in 0..<Self.samplePadding { smpl.int16(0) }
            let end = start + voice.samples.count
            shdr.name(voice.name)
            for point in [start, end, start, end] { shdr.uint32(UInt32(point)) }
            shdr.uint32(UInt32(sampleRate.rounded()))
            shdr.uint8(UInt8(min(max(voice.key, 0), 127)))
            shdr.uint8(0) // pitch correction
            shdr.uint16(0) // sample link
            shdr.uint16(Self.monoSample)
        }
        shdr.name("EOS")
        shdr.zeros(4 * 5 + 2 + 2 + 2)

        // One instrument per voice, of one zone.
        var inst = ByteWriter(), ibag = ByteWriter(), igen = ByteWriter()
        var igenCount = 0
        for (index, voice) in voices.enumerated() {
            inst.name(voice.name)
            inst.uint16(UInt16(index))
            ibag.uint16(UInt16(igenCount))
            ibag.uint16(0)
            let key = UInt8(min(max(voice.key, 0), 127))
            igen.generator(.keyRange, low: key, high: key)
            igen.generator(.chorusEffectsSend, 0)
            igen.generator(.reverbEffectsSend, 0)
            igen.generator(.releaseVolEnv, voice.oneShot ? oneShotReleaseTimecents(voice) : Self.releaseTimecents)
            igen.generator(.sampleModes, 0)
            igen.generator(.overridingRootKey, Int16(key))
            igen.generator(.sampleID, Int16(index))
            igenCount += 7
        }
        inst.name("EOI")
        inst.uint16(UInt16(voices.count))
        ibag.uint16(UInt16(igenCount))
        ibag.uint16(0)
        igen.zeros(4)

        var phdr = ByteWriter(), pbag = ByteWriter(), pgen = ByteWriter()
        var pbagCount = 0, pgenCount = 0
        for preset in presets {
            let title = preset.bank == Self.drumBank ? "SoundSort drums" : voices[preset.voices[0]].name
            phdr.name(title)
            phdr.uint16(UInt16(preset.program))
            phdr.uint16(UInt16(preset.bank))
            phdr.uint16(UInt16(pbagCount))
            phdr.zeros(12) // library, genre, morphology
            for index in preset.voices {
                let key = UInt8(min(max(voices[index].key, 0), 127))
                pbag.uint16(UInt16(pgenCount))
                pbag.uint16(0)
                pgen.generator(.keyRange, low: key, high: key)
                pgen.generator(.instrument, Int16(index))
                pbagCount += 1
                pgenCount += 2
            }
        }
        phdr.name("EOP")
        phdr.zeros(4)
        phdr.uint16(UInt16(pbagCount))
        phdr.zeros(12)
        pbag.uint16(UInt16(pgenCount))
        pbag.uint16(0)
        pgen.zeros(4)
        let terminalModulator = [UInt8](repeating: 0, count: 10)

        var version = ByteWriter()
        version.uint16(2)
        version.uint16(1)
        let info = Self.list("INFO", [
            Self.chunk("ifil", version.bytes),
            Self.chunk("isng", Self.zeroTerminated("EMU8000")),
            Self.chunk("INAM", Self.zeroTerminated(name)),
            Self.chunk("ISFT", Self.zeroTerminated("SoundSort")),
        ])
        let sdta = Self.list("sdta", [Self.chunk("smpl", smpl.bytes)])
        let pdta = Self.list("pdta", [
            Self.chunk("phdr", phdr.bytes), Self.chunk("pbag", pbag.bytes), Self.chunk("pmod", terminalModulator),
            Self.chunk("pgen", pgen.bytes), Self.chunk("inst", inst.bytes), Self.chunk("ibag", ibag.bytes),
            Self.chunk("imod", terminalModulator), Self.chunk("igen", igen.bytes), Self.chunk("shdr", shdr.bytes),
        ])
        return Self.chunk("RIFF", Array("sfbk".utf8) + info + sdta + pdta)
    }

    /// A RIFF chunk: tag, little-endian length, body, and a pad byte when the body's length is odd.
    static func chunk(_ tag: String, _ body: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes += Array(tag.utf8)
        writer.uint32(UInt32(body.count))
        writer.bytes += body
        if body.count % 2 == 1 { writer.uint8(0) }
        return writer.bytes
    }

    static func list(_ type: String, _ chunks: [[UInt8]]) -> [UInt8] { chunk("LIST", Array(type.utf8) + chunks.flatMap { $0 }) }

    /// ASCII text ending in a zero, padded to an even length (INFO strings).
    static func zeroTerminated(_ text: String) -> [UInt8] {
        var bytes = Array(text.unicodeScalars.map { $0.isASCII ? UInt8($0.value) : UInt8(ascii: "?") }.prefix(255)) + [0]
        if bytes.count % 2 == 1 { bytes.append(0) }
        return bytes
    }
}

/// Little-endian fields of SoundFont records.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func uint8(_ value: UInt8) { bytes.append(value) }
    mutating func uint16(_ value: UInt16) { bytes += [UInt8(value & 0xFF), UInt8(value >> 8)] }
    mutating func int16(_ value: Int16) { uint16(UInt16(bitPattern: value)) }
    mutating func uint32(_ value: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(value >> UInt32(shift) & 0xFF)) } }
    mutating func zeros(_ count: Int) { bytes += [UInt8](repeating: 0, count: count) }
    /// A 20-byte name field: ASCII, cut to 19 characters, zero-filled.
    mutating func name(_ text: String) {
        let ascii = text.unicodeScalars.map { $0.isASCII ? UInt8($0.value) : UInt8(ascii: "?") }.prefix(Kit.nameBytes - 1)
        bytes += ascii
        zeros(Kit.nameBytes - ascii.count)
    }
    mutating func generator(_ generator: Kit.Generator, _ amount: Int16) {
        uint16(generator.rawValue)
        int16(amount)
    }
    mutating func generator(_ generator: Kit.Generator, low: UInt8, high: UInt8) {
        uint16(generator.rawValue)
        bytes += [low, high]
    }
}
