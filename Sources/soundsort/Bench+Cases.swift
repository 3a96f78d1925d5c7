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
        /// A song's sections, scored each apart besides the whole song.
        var sections: [Section]?
    }
    /// A stretch of a case's audio, in seconds (notes starting in `start ..< end`), and where its music came from.
    struct Section: Codable {
        var name: String
        /// The corpus case the section's music came from.
        var `case`: String?
        var start: Double
        var end: Double
        /// The section's audio is that case's whole audio file, sample for sample: its score alone is that case's.
        var wholeCase: Bool?
    }
    var cases: [Case]
}

/// A section of a bench case, and the case that is this section alone, if any.
struct BenchSection {
    var section: SongSection
    /// The corpus case the section's music came from (shown in the table).
    var sourceCase: String?
    /// The case whose whole audio this section is, sample for sample: that case's figures are the section's alone.
    var aloneCase: String?
}

/// One case to run: its audio, its reference MIDI file, and how the reference's notes are labelled.
struct BenchCase {
    var name: String
    var audioPath: String
    var referencePath: String
    var referenceLabel: LabelMode
    /// Sections scored each apart besides the whole case (none: the case is scored whole only).
    var sections: [BenchSection] = []
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
        return try manifest.cases.map {
            BenchCase(name: $0.name, audioPath: resolve($0.audio, in: folder), referencePath: resolve($0.reference, in: folder),
                      referenceLabel: $0.referenceLabel ?? .programPitch,
                      sections: try checkedSections($0.sections ?? [], of: $0.name, manifest: path))
        }
    }

    /// A case's sections, each with a finite start before its end, in order and not overlapping (so that no note is
    /// scored in two sections); `wholeCase` needs the case it names.
    private static func checkedSections(_ sections: [CorpusManifest.Section], of caseName: String, manifest path: String) throws -> [BenchSection] {
        var previousEnd = 0.0
        return try sections.map { item in
            let what = "case \"\(caseName)\" has a section \"\(item.name)\""
            guard item.start.isFinite, item.end.isFinite, item.start >= 0, item.start < item.end else {
                throw CommandFailure(path: path, reason: "\(what) from \(item.start) to \(item.end) s (it must start at 0 s or later, before its end)")
            }
            guard item.start >= previousEnd else {
                throw CommandFailure(path: path, reason: "\(what) starting at \(item.start) s, before the section ahead of it ends (\(previousEnd) s)")
            }
            if item.wholeCase == true, item.case == nil {
                throw CommandFailure(path: path, reason: "\(what) that is a whole case but names no case")
            }
            previousEnd = item.end
            return BenchSection(section: SongSection(name: item.name, start: item.start, end: item.end), sourceCase: item.case,
                                aloneCase: item.wholeCase == true ? item.case : nil)
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
