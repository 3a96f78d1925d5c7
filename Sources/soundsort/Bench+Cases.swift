import Eval
import Foundation

/// `FOLDER/manifest.json`: the cases, paths relative to the manifest's folder.
struct CorpusManifest: Codable {
    struct Case: Codable {
        var name: String
        var audio: String
        var reference: String
        var referenceLabel: LabelMode?
        var soundfont: String?
        var tests: String?
    }
    var cases: [Case]
}

/// One case to run: its audio, its reference MIDI file, and how the reference's notes are labelled.
struct BenchCase {
    var name: String
    var audioPath: String
    var referencePath: String
    var referenceLabel: LabelMode
}

/// The cases of a bench folder: those of its manifest when it has one, else its audio + MIDI pairs.
struct BenchCases {
    /// Audio file name extensions a folder is searched for (any case).
    static let audioExtensions = ["wav", "flac", "aiff", "aif", "ogg", "mp3", "opus"]
    /// Reference file name extensions (any case), in order of preference.
    static let midiExtensions = ["mid", "midi"]

    var cases: [BenchCase]
    /// Audio files of a folder without a manifest that have no MIDI file of the same name, so were not run.
    var withoutReference: [String] = []
    /// Audio files of a folder without a manifest that share their name with an earlier one, so were not run.
    var sameName: [String] = []

    /// One line per kind of skipped file, for standard error.
    var warnings: [String] {
        var out: [String] = []
        if !withoutReference.isEmpty {
            out.append("skipped \(withoutReference.joined(separator: ", ")): no MIDI file of the same name")
        }
        if !sameName.isEmpty {
            out.append("skipped \(sameName.joined(separator: ", ")): its name is already a case (from the audio file that sorts first)")
        }
        return out
    }

    /// Reads `folder/manifest.json` if it exists, else pairs the folder's files by name.
    /// - Throws: `CommandFailure` for an unreadable folder or manifest, or a folder with no case.
    static func load(folder: String) throws -> BenchCases {
        let url = URL(fileURLWithPath: folder)
        let manifestPath = url.appendingPathComponent("manifest.json").path
        if FileManager.default.fileExists(atPath: manifestPath) {
            return BenchCases(cases: try manifestCases(at: manifestPath, in: url))
        }
        return try pairingFiles(in: folder)
    }

    /// The cases a manifest lists, in its order, its paths resolved against `folder`.
    private static func manifestCases(at path: String, in folder: URL) throws -> [BenchCase] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(path: path, reason: "cannot read the corpus manifest")
        }
        let manifest: CorpusManifest
        do { manifest = try JSONDecoder().decode(CorpusManifest.self, from: data) } catch {
            throw CommandFailure(path: path, reason: "not a valid manifest: \(briefDescription(of: error))")
        }
        guard !manifest.cases.isEmpty else { throw CommandFailure(path: path, reason: "the manifest lists no cases") }
        // Changes are listed by case name, so a name must say which case it is.
        var seen = Set<String>()
        for item in manifest.cases where !seen.insert(item.name).inserted {
            throw CommandFailure(path: path, reason: "the manifest names two cases \"\(item.name)\"")
        }
        return manifest.cases.map {
            BenchCase(name: $0.name, audioPath: resolve($0.audio, in: folder), referencePath: resolve($0.reference, in: folder),
                      referenceLabel: $0.referenceLabel ?? .programPitch)
        }
    }

    /// Orders the MIDI files of one name: `.mid` before `.midi`, then by file name (`x.MID` before `x.mid`).
    private static func midiRank(_ file: String) -> (Int, String) {
        (midiExtensions.firstIndex(of: (file as NSString).pathExtension.lowercased()) ?? midiExtensions.count, file)
    }

    /// Pairs `NAME.<audio>` with `NAME.mid` (else `NAME.midi`) in `folder`, not its subfolders, in name order.
    /// Where several audio files share a name, the first by file name is the case and the others are skipped.
    private static func pairingFiles(in folder: String) throws -> BenchCases {
        let manager = FileManager.default
        func inFolder(_ name: String) -> String { URL(fileURLWithPath: folder).appendingPathComponent(name).path }
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: folder) } catch {
            throw CommandFailure(path: folder, reason: "cannot read the folder (and it has no manifest.json)")
        }
        let files = Set(names.filter { name in
            var isFolder: ObjCBool = false
            return !name.hasPrefix(".") && manager.fileExists(atPath: inFolder(name), isDirectory: &isFolder) && !isFolder.boolValue
        })
        let audio = files.filter { Self.audioExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
        let byName = Dictionary(grouping: audio) { ($0 as NSString).deletingPathExtension }
        let references = files.filter { Self.midiExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
        let referencesByName = Dictionary(grouping: references) { ($0 as NSString).deletingPathExtension }
        var found = BenchCases(cases: [])
        for name in byName.keys.sorted() {
            let candidates = byName[name, default: []].sorted()
            let reference = referencesByName[name]?.min { Self.midiRank($0) < Self.midiRank($1) }
            guard let reference, let first = candidates.first else {
                found.withoutReference += candidates
                continue
            }
            found.cases.append(BenchCase(name: name, audioPath: inFolder(first), referencePath: inFolder(reference),
                                         referenceLabel: .programPitch))
            found.sameName += candidates.dropFirst()
        }
        guard !found.cases.isEmpty else {
            throw CommandFailure(path: folder, reason: "no manifest.json and no audio file with a MIDI file of the same name "
                                 + "(NAME.wav|flac|aiff|aif|ogg|mp3|opus beside NAME.mid|midi)")
        }
        return found
    }
}

/// A manifest path: absolute as written, else relative to the manifest's folder.
private func resolve(_ path: String, in folder: URL) -> String {
    path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
}
