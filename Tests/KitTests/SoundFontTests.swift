import Foundation
@testable import Kit
import Testing
import TestSupport

/// The SoundFont writer, read back by a small reader written from the SoundFont 2.01 specification.
@Suite struct SoundFontTests {
    /// A RIFF chunk read back: tag, body, and for RIFF and LIST chunks their type and sub-chunks.
    struct Chunk {
        var tag: String
        var body: [UInt8]
        var type: String?
        var children: [Chunk] = []

        static func parse(_ bytes: [UInt8], from start: Int, to end: Int) throws -> [Chunk] {
            var chunks: [Chunk] = []
            var offset = start
            while offset < end {
                try #require(offset + 8 <= end, "chunk header past the end")
                let tag = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
                let size = Int(u32(bytes, offset + 4))
                try #require(offset + 8 + size <= end, "\(tag) of \(size) bytes runs past its parent")
                let body = Array(bytes[offset + 8..<offset + 8 + size])
                var chunk = Chunk(tag: tag, body: body)
                if tag == "RIFF" || tag == "LIST" {
                    chunk.type = String(decoding: body[0..<4], as: UTF8.self)
                    chunk.children = try parse(bytes, from: offset + 12, to: offset + 8 + size)
                }
                chunks.append(chunk)
                offset += 8 + size + size % 2
            }
            #expect(offset == end)
            return chunks
        }

        func child(_ tag: String) -> Chunk? { children.first { $0.tag == tag || $0.type == tag } }
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
    static func name(_ bytes: [UInt8], _ at: Int) -> String {
        String(decoding: bytes[at..<at + 20].prefix { $0 != 0 }, as: UTF8.self)
    }

    static let kit = Kit(sampleRate: 48_000, voices: [
        Kit.Voice(name: "S00 kick", channel: 9, key: 36, bank: 128, program: 0, samples: [0.5, -0.25, 0.125], velocity: 127, lead: 0),
        Kit.Voice(name: "S01 closed hat", channel: 9, key: 42, bank: 128, program: 0, samples: [0.1, 0.2], velocity: 127, lead: 0),
        Kit.Voice(name: "S02 tonal A3", channel: 0, key: 57, bank: 0, program: 0, samples: [0.25, 0.5, -0.5, 0.25, 0], velocity: 127, lead: 0),
        Kit.Voice(name: "S03 tonal E4", channel: 1, key: 64, bank: 0, program: 1, samples: [-0.125], velocity: 127, lead: 0),
    ])

    @Test func chunksRecordsAndTerminalsAreWhereTheSpecificationPutsThem() throws {
        let bytes = Self.kit.soundFont(name: "test kit")
        let top = try Chunk.parse(bytes, from: 0, to: bytes.count)
        try #require(top.count == 1)
        let riff = top[0]
        #expect(riff.tag == "RIFF" && riff.type == "sfbk")
        #expect(riff.children.map { $0.type ?? "" } == ["INFO", "sdta", "pdta"])

        let info = try #require(riff.child("INFO"))
        #expect(info.children.map(\.tag) == ["ifil", "isng", "INAM", "ISFT"])
        #expect(info.child("ifil")?.body == [2, 0, 1, 0])
        #expect(info.child("INAM").map { String(decoding: $0.body.prefix { $0 != 0 }, as: UTF8.self) } == "test kit")
        #expect(info.children.allSatisfy { $0.body.count % 2 == 0 })

        // Samples: 16-bit, each followed by 46 zero points.
        let smpl = try #require(riff.child("sdta")?.child("smpl"))
        #expect(smpl.body.count == 2 * (3 + 2 + 5 + 1 + 4 * 46))
        let firstPoints = (0..<3).map { Int16(bitPattern: UInt16(Self.u16(smpl.body, 2 * $0))) }
        // Every voice at velocity 127, none near full scale: stored at its own level.
        #expect(firstPoints == [0.5, -0.25, 0.125].map { Int16((Double($0) * 32_767).rounded()) })
        #expect((3..<49).allSatisfy { Self.u16(smpl.body, 2 * $0) == 0 })

        let pdta = try #require(riff.child("pdta"))
        #expect(pdta.children.map(\.tag) == ["phdr", "pbag", "pmod", "pgen", "inst", "ibag", "imod", "igen", "shdr"])
        let sizes = ["phdr": 38, "pbag": 4, "pmod": 10, "pgen": 4, "inst": 22, "ibag": 4, "imod": 10, "igen": 4, "shdr": 46]
        for chunk in pdta.children { #expect(chunk.body.count % sizes[chunk.tag]! == 0, "\(chunk.tag)") }

        // Presets: the drums (bank 128, program 0) with two zones, then one per tonal program; then "EOP".
        let phdr = pdta.child("phdr")!.body
        let presets = (0..<phdr.count / 38).map { (name: Self.name(phdr, 38 * $0), program: Self.u16(phdr, 38 * $0 + 20),
                                                   bank: Self.u16(phdr, 38 * $0 + 22), bag: Self.u16(phdr, 38 * $0 + 24)) }
        #expect(presets.map(\.name) == ["S02 tonal A3", "S03 tonal E4", "SoundSort drums", "EOP"])
        #expect(presets.map(\.bank) == [0, 0, 128, 0])
        #expect(presets.map(\.program) == [0, 1, 0, 0])
        #expect(presets.map(\.bag) == [0, 1, 2, 4])
        let pbag = pdta.child("pbag")!.body
        #expect((0..<pbag.count / 4).map { Self.u16(pbag, 4 * $0) } == [0, 2, 4, 6, 8])
        // Each preset zone: keyRange (43) on the voice's key, then instrument (41) last.
        let pgen = pdta.child("pgen")!.body
        let presetGenerators = (0..<pgen.count / 4).map { (Self.u16(pgen, 4 * $0), Self.u16(pgen, 4 * $0 + 2)) }
        #expect(presetGenerators.map(\.0) == [43, 41, 43, 41, 43, 41, 43, 41, 0])
        // Zone 1 (A3's preset) covers key 57 only and plays instrument 2.
        #expect(presetGenerators[0].1 == 57 | 57 << 8 && presetGenerators[1].1 == 2)
        #expect(pdta.child("pmod")!.body == [UInt8](repeating: 0, count: 10))

        // Instruments: one per voice, one zone each, seven generators, sampleID (53) last; then "EOI".
        let inst = pdta.child("inst")!.body
        #expect((0..<inst.count / 22).map { Self.name(inst, 22 * $0) } == ["S00 kick", "S01 closed hat", "S02 tonal A3", "S03 tonal E4", "EOI"])
        #expect((0..<inst.count / 22).map { Self.u16(inst, 22 * $0 + 20) } == [0, 1, 2, 3, 4])
        let ibag = pdta.child("ibag")!.body
        #expect((0..<ibag.count / 4).map { Self.u16(ibag, 4 * $0) } == [0, 7, 14, 21, 28])
        let igen = pdta.child("igen")!.body
        let generators = (0..<igen.count / 4).map { (Self.u16(igen, 4 * $0), Self.u16(igen, 4 * $0 + 2)) }
        #expect(generators.count == 29 && generators.last! == (0, 0))
        for voice in 0..<4 {
            let zone = generators[(7 * voice)..<(7 * voice + 7)].map { $0 }
            #expect(zone.first!.0 == 43 && zone.last!.0 == 53 && zone.last!.1 == voice)
            #expect(zone.first { $0.0 == 58 }?.1 == Self.kit.voices[voice].key)
        }

        // Sample headers: start and end in points, the file's rate, the key as original pitch, mono; then "EOS".
        let shdr = pdta.child("shdr")!.body
        #expect((0..<shdr.count / 46).map { Self.name(shdr, 46 * $0) } == ["S00 kick", "S01 closed hat", "S02 tonal A3", "S03 tonal E4", "EOS"])
        let starts = (0..<4).map { Self.u32(shdr, 46 * $0 + 20) }, ends = (0..<4).map { Self.u32(shdr, 46 * $0 + 24) }
        #expect(starts == [0, 49, 97, 148])
        #expect(ends == [3, 51, 102, 149])
        #expect((0..<4).allSatisfy { Self.u32(shdr, 46 * $0 + 36) == 48_000 && Int(shdr[46 * $0 + 40]) == Self.kit.voices[$0].key && Self.u16(shdr, 46 * $0 + 44) == 1 })
        #expect(bytes.count == 8 + Int(Self.u32(bytes, 4)))
    }

    /// A one-shot voice's release (generator 38) lasts 100 × its sample, so a note-off takes under 1 dB off it before
    /// it ends (at most 8000 timecents); another voice's is `Resynthesis.releaseDuration` (100 ms, −3986 timecents).
    @Test func oneShotVoicesAreReleasedTooSlowlyForANoteOffToCutThem() throws {
        func voice(_ seconds: Double, oneShot: Bool) -> Kit.Voice {
            Kit.Voice(name: "v", channel: 9, key: 42, bank: 128, program: 0, samples: [Float](repeating: 0.1, count: Int(seconds * 1_000)),
                      velocity: 127, lead: 0, oneShot: oneShot)
        }
        let kit = Kit(sampleRate: 1_000, voices: [voice(0.5, oneShot: true), voice(2, oneShot: true), voice(0.5, oneShot: false)])
        let bytes = kit.soundFont(name: "releases")
        let riff = try #require(try Chunk.parse(bytes, from: 0, to: bytes.count).first)
        let igen = try #require(riff.child("pdta")?.child("igen")).body
        let releases = (0..<igen.count / 4).filter { Self.u16(igen, 4 * $0) == 38 }.map { Int16(bitPattern: UInt16(Self.u16(igen, 4 * $0 + 2))) }
        // 1200 · log2(50 s) = 6773; 200 s is past the largest release.
        #expect(releases == [6_773, 8_000, -3_986])
    }

    @Test func samplesPlayedSoftlyAreStoredLouderSoThatTheirVelocityGivesTheirLevel() {
        let kit = Kit(sampleRate: 44_100, voices: [
            Kit.Voice(name: "a", channel: 0, key: 60, bank: 0, program: 0, samples: [0.1], velocity: 127, lead: 0),
            Kit.Voice(name: "b", channel: 1, key: 60, bank: 0, program: 1, samples: [0.1], velocity: 64, lead: 0),
        ])
        let gains = kit.soundFontGains
        // (127/64)² louder, so that a player's (64/127)² at velocity 64 gives the sample's level again.
        #expect(Double(gains[1] / gains[0]).isApproximatelyEqual(to: (127.0 / 64) * (127.0 / 64), relativeTolerance: 1e-6))
        #expect(Double(gains[1]) * 0.1 <= 0.999 + 1e-6)
    }
}
