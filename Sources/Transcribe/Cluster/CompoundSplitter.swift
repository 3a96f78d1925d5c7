import Foundation

/// Finds sounds that are two sounds at once (kick + hat, kick + bass) and splits their events.
///
/// Works on the dictionary of sounds already found: a sound's template (mean linear attack patch) that holds
/// another sound's template, scaled, plus a substantial remainder is a compound. Each of its events becomes an
/// event of the contained sound and an event of the remainder: the existing sound nearest the remainder when it
/// is close enough, else a new sound.
struct CompoundSplitter {
    /// The contained sound must dominate at least this share of the compound's audible bins, and leave at least as many.
    static let minimumShare: Float = 0.2
    /// Bands where a template is at least this far under its own peak (dB) do not bound its scale.
    static let significantRange: Float = 20
    /// The scale is the ratio compound / contained that this share of significant bins reaches (robust minimum).
    static let scaleQuantile = 0.2
    /// Share of the part's significant bins where it accounts for at least half of the compound.
    static let minimumFit: Float = 0.5
    /// Bins within this many dB of the compound's peak are what one hears of it.
    static let audibleRange: Float = 40
    /// A part's core: its bins within this many dB of its peak (half its peak amplitude). A sound held in another is
    /// there where it is strongest: a lone hat holds no snare, whose body it lacks, however well the snare's noise
    /// fits under it; a chord with a ride holds the ride, not the ride with a vibraphone note on it.
    static let coreRange: Float = 6
    /// At least this share of the part's core must be present in the compound, each bin at least half as loud as
    /// the scaled part there.
    static let minimumCore: Float = 0.5
    /// A single event's remainder is compared in full with this many of the sounds most like it.
    static let eventCandidates = 3
    /// A single event's remainder must lie within this share of the merge threshold of a sound.
    static let eventMatchFactor: Float = 0.5
    /// A compound needs at least this many events (rarer combinations are left alone).
    static let minimumEvents = 2

    let threshold: Float
    /// Two pitched sounds further apart than this (semitones) are never parts of one another.
    let pitchTolerance: Double
    /// Two pitched sounds at one pitch whose harmonic envelopes differ (`SamePitchMerger.harmonicEnvelopeLimit`) are
    /// two instruments, never parts or variants of one another.
    let envelope: HarmonicEnvelope

    /// - Parameters:
    ///   - patches: each event's attack patch (dB rows, nil after the event's end).
    ///   - pitches: each event's pitch in MIDI numbers when it is clearly pitched.
    ///   - labels: first-pass cluster of each event, dense.
    ///   - drumBodies: whether each event's pitch is a drum's body (a kick's falling sine), no note.
    /// - Returns: for each event, the clusters it belongs to: one, or two for a compound's event (remainders that
    ///   are no known sound get new clusters, numbered after the input's).
    ///   - onsets: each event's onset (seconds); a part must be heard alone near most of its compound's events
    ///     (`Neighbourhood`). Nil: anywhere.
    func split(patches: [AttackPatch], pitches: [Double?], labels: [Int], drumBodies: [Bool], onsets: [Double]? = nil) -> [[Int]] {
        let clusterCount = (labels.max() ?? -1) + 1
        let templates = (0..<clusterCount).map { cluster in
            template(of: labels.indices.filter { labels[$0] == cluster }.map { patches[$0] })
        }
        let sizes = (0..<clusterCount).map { cluster in labels.count { $0 == cluster } }
        guard !sizes.contains(0) else { preconditionFailure("cluster labels must be dense") }
        let clusterPitch: [Double?] = (0..<clusterCount).map { cluster in
            let members = labels.indices.filter { labels[$0] == cluster }
            return ClusterPitch.of(voicedPitches: members.compactMap { pitches[$0] }, memberCount: members.count)
        }
        // Clusters whose pitch is a note's: a played note never falls like a drum's body, so a cluster in which a
        // quarter of the pitched events do is a drum.
        let noteClusters = Set((0..<clusterCount).filter { cluster in
            let voiced = labels.indices.filter { labels[$0] == cluster && pitches[$0] != nil }
            return clusterPitch[cluster] != nil && voiced.count { drumBodies[$0] } * 4 < voiced.count
        })
        let timbres: [AttackPatch?] = (0..<clusterCount).map { cluster in
            guard noteClusters.contains(cluster), let pitch = clusterPitch[cluster] else { return nil }
            let mean = AttackPatch.mean(of: labels.indices.filter { labels[$0] == cluster }.map { patches[$0] })
            return envelope.of(mean, pitchHz: 440 * pow(2, (pitch - 69) / 12))
        }
        // Two note sounds at one pitch whose harmonics differ: two instruments.
        func otherInstrument(_ a: Int, _ b: Int) -> Bool {
            guard a < clusterCount, b < clusterCount, let ta = timbres[a], let tb = timbres[b] else { return false }
            return (ta.meanAbsoluteDifference(tb) ?? 0) > SamePitchMerger.harmonicEnvelopeLimit
        }
        func samePitch(_ a: Int, _ b: Int) -> Bool {
            guard a < clusterCount, b < clusterCount, let pa = clusterPitch[a], let pb = clusterPitch[b] else { return false }
            return abs(pa - pb) <= pitchTolerance
        }
        let memberOnsets: [[Double]]? = onsets.map { onsets in
            (0..<clusterCount).map { cluster in labels.indices.filter { labels[$0] == cluster }.map { onsets[$0] }.sorted() }
        }
        // A part is heard alone near most of the compound's events (a drum of the same loop), not only minutes away.
        func heardNear(_ part: Int, _ compound: Int) -> Bool {
            guard let memberOnsets else { return true }
            return 2 * Neighbourhood.count(memberOnsets[compound], near: memberOnsets[part]) >= memberOnsets[compound].count
        }
        // First decide which sounds are compounds (rarest first, built from more frequent, non-compound sounds)…
        let byFrequency = (0..<clusterCount).sorted { (sizes[$1], $0) < (sizes[$0], $1) }
        var compounds: [(cluster: Int, part: Int, remainder: [Float], covered: [Float])] = []
        var isCompound = Set<Int>()
        for candidate in byFrequency.reversed() where sizes[candidate] >= Self.minimumEvents {
            // The part that fits most tightly where it is strong is the one really inside.
            var best: (part: Int, remainder: [Float], fit: Float, covered: [Float])?
            // A part also sounds alone, so it has at least as many events as the compound that holds it; with as
            // many, containment must go one way only.
            for part in byFrequency where part != candidate && !isCompound.contains(part) && sizes[part] >= sizes[candidate] {
                if sizes[part] == sizes[candidate], decompose(templates[part], into: templates[candidate]) != nil { continue }
                // A pitched sound does not hold another pitched sound at another pitch: they only overlap in shape.
                if let a = clusterPitch[candidate], let b = clusterPitch[part], abs(a - b) > pitchTolerance { continue }
                if otherInstrument(candidate, part) || !heardNear(part, candidate) { continue }
                guard let (remainder, fit, covered) = decompose(templates[candidate], into: templates[part]) else { continue }
                if best == nil || fit > best!.fit { best = (part, remainder, fit, covered) }
            }
            guard let best else { continue }
            isCompound.insert(candidate)
            compounds.append((candidate, best.part, best.remainder, best.covered))
        }
        // …then give each remainder the nearest sound that is not a compound, or a new sound (remainders alike share one).
        var dictionary = (0..<clusterCount).filter { !isCompound.contains($0) }.map { (cluster: $0, template: templates[$0]) }
        var newSounds = 0
        var assignment = labels.map { [$0] }
        for compound in compounds {
            // A pitched sound holding an unpitched part (a bass note under a kick) owes its pitch to the remainder:
            // the remainder must be a sound at that pitch, heard alone too; else nothing says it is a compound (two
            // unpitched sounds do not make a note, however their mean spectra overlap).
            let pitchInRemainder = noteClusters.contains(compound.cluster) && clusterPitch[compound.part] == nil
            let nearest = dictionary.filter { $0.cluster != compound.part && (!pitchInRemainder || samePitch(compound.cluster, $0.cluster)) }
                .map { ($0.cluster, maskedDistance($0.template, compound.remainder, masker: compound.covered)) }.min { ($0.1, $0.0) < ($1.1, $1.0) }
            let other: Int
            if let nearest, nearest.1 <= threshold {
                other = nearest.0
            } else if pitchInRemainder {
                continue
            } else if samePitch(compound.cluster, compound.part) {
                // The same pitched sound with something left over that is no known sound: a variant of the part
                // (what the subtracted background left behind), not a second sound.
                for event in labels.indices where labels[event] == compound.cluster { assignment[event] = [compound.part] }
                continue
            } else {
                other = clusterCount + newSounds
                newSounds += 1
                dictionary.append((other, compound.remainder))
            }
            for event in labels.indices where labels[event] == compound.cluster { assignment[event] = [compound.part, other] }
        }
        // An event can also hold another sound on top of its own (a click at a tone's start that joined the tone):
        // its patch minus its sound's template must then match another sound of the dictionary.
        for event in labels.indices where assignment[event].count == 1 && !isCompound.contains(labels[event]) {
            let own = labels[event]
            guard let (remainder, _, covered) = decompose(patches[event].linear, into: templates[own]) else { continue }
            // What is left over is never the same pitched sound once more. The masked comparison (a logarithm per
            // bin) is made only with the few sounds most like the remainder.
            let likely = dictionary.filter { $0.cluster != own && !samePitch(own, $0.cluster) }
                .map { ($0, cosine($0.template, remainder)) }.sorted { ($0.1, $1.0.cluster) > ($1.1, $0.0.cluster) }
                .prefix(Self.eventCandidates).map(\.0)
            let nearest = likely.map { ($0.cluster, maskedDistance($0.template, remainder, masker: covered)) }
                .min { ($0.1, $0.0) < ($1.1, $1.0) }
            // One event is weaker evidence than a whole cluster: it must match more closely.
            if let nearest, nearest.1 <= Self.eventMatchFactor * threshold { assignment[event] = [own, nearest.0] }
        }
        return assignment
    }

    /// The mean linear patch of a cluster (blocks missing in an event are left out of its mean).
    private func template(of patches: [AttackPatch]) -> [Float] {
        guard let first = patches.first else { return [] }
        var sum = [Float](repeating: 0, count: first.values.count)
        var counts = [Float](repeating: 0, count: first.blocks)
        for patch in patches {
            let linear = patch.linear
            for block in 0..<patch.blocks where patch.present[block] {
                counts[block] += 1
                for i in (block * patch.bands)..<((block + 1) * patch.bands) { sum[i] += linear[i] }
            }
        }
        for block in 0..<first.blocks where counts[block] > 0 {
            for i in (block * first.bands)..<((block + 1) * first.bands) { sum[i] /= counts[block] }
        }
        return sum
    }

    /// `whole ≈ scale × part + remainder`, remainder ≥ 0, with how tightly the part fits; nil unless both shares
    /// are substantial and the fit is tight.
    private func decompose(_ whole: [Float], into part: [Float]) -> (remainder: [Float], fit: Float, covered: [Float])? {
        guard whole.count == part.count, let peak = part.max(), peak > 0 else { return nil }
        let significant = peak * pow(10, -Self.significantRange / 20)
        var ratios: [Float] = []
        for i in part.indices where part[i] >= significant { ratios.append(whole[i] / part[i]) }
        guard !ratios.isEmpty else { return nil }
        let scale = ratios.selectRanked(Int(Double(ratios.count - 1) * Self.scaleQuantile))
        guard scale > 0 else { return nil }
        // Shares are counted in the compound's audible bins (within the dynamic range of its peak), not in
        // energy: a quiet hat over a loud kick is still half of what one hears.
        let audible = (whole.max() ?? 0) * pow(10, -Self.audibleRange / 20)
        var audibleBins = 0, partBins = 0, remainderBins = 0, partSignificant = 0, partFits = 0
        var remainder = [Float](repeating: 0, count: whole.count)
        var coveredByPart = [Float](repeating: 0, count: whole.count)
        for i in whole.indices {
            let covered = min(whole[i], scale * part[i])
            coveredByPart[i] = covered
            remainder[i] = whole[i] - covered
            if part[i] >= significant {
                partSignificant += 1
                if covered >= 0.5 * whole[i] { partFits += 1 }
            }
            guard whole[i] >= audible, whole[i] > 0 else { continue }
            audibleBins += 1
            if covered >= 0.5 * whole[i] { partBins += 1 } else { remainderBins += 1 }
        }
        guard audibleBins > 0 else { return nil }
        let partShare = Float(partBins) / Float(audibleBins), residualShare = Float(remainderBins) / Float(audibleBins)
        // The part must also account for most of the compound where the part itself is strong: a sound at another
        // pitch of the same instrument overlaps in shape but not bin by bin.
        let fit = Float(partFits) / Float(max(1, partSignificant))
        guard partShare >= Self.minimumShare, residualShare >= Self.minimumShare, fit >= Self.minimumFit else { return nil }
        // `fit` cannot tell: where the compound lacks the part, the part "covers" all there is.
        let core = peak * pow(10, -Self.coreRange / 20)
        var coreBins = 0, corePresent = 0
        for i in part.indices where part[i] >= core {
            coreBins += 1
            if whole[i] >= 0.5 * scale * part[i] { corePresent += 1 }
        }
        guard Float(corePresent) >= Self.minimumCore * Float(coreBins) else { return nil }
        return (remainder, fit, coveredByPart)
    }

    /// Cosine similarity of two linear templates.
    private func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in a.indices {
            dot += a[i] * b[i]
            na += a[i] * a[i]
            nb += b[i] * b[i]
        }
        return na > 0 && nb > 0 ? dot / (na * nb).squareRoot() : 0
    }

    /// How far a remainder is from a candidate sound, counting only what can be heard of the candidate beside the
    /// part that masks it: bins where the scaled candidate lies under `masker` are skipped. The candidate is scaled
    /// to the remainder by their median ratio over the remainder's audible bins; mean absolute dB difference.
    func maskedDistance(_ candidate: [Float], _ remainder: [Float], masker: [Float]) -> Float {
        guard let peak = remainder.max(), peak > 0 else { return .infinity }
        let audible = peak * pow(10, -Self.audibleRange / 20)
        var ratios: [Float] = []
        for i in remainder.indices where remainder[i] >= audible && candidate[i] > 0 { ratios.append(remainder[i] / candidate[i]) }
        guard !ratios.isEmpty else { return .infinity }
        let scale = ratios.selectRanked(ratios.count / 2)
        var sum: Float = 0
        var count = 0
        for i in remainder.indices {
            let expected = scale * candidate[i]
            guard remainder[i] >= audible || expected >= audible else { continue }
            if expected <= masker[i] && remainder[i] < expected { continue }  // Hidden under the part.
            sum += abs(20 * log10(max(remainder[i], audible * 0.001) / max(expected, audible * 0.001)))
            count += 1
        }
        return count > 0 ? min(sum / Float(count), Self.audibleRange) : .infinity
    }
}

extension Array where Element == Float {
    /// The value that would stand at index `rank` were the array sorted ascending (the same value: the array must
    /// hold no NaN), found by selection (Hoare's FIND), O(n) on average instead of a sort's O(n log n); the array is
    /// left partly reordered.
    mutating func selectRanked(_ rank: Int) -> Float {
        precondition(indices.contains(rank), "rank out of range")
        return withUnsafeMutableBufferPointer { values in
            var low = 0, high = values.count - 1
            while low < high {
                // Median of three as the pivot value, so sorted input does not make it quadratic.
                let (a, b, c) = (values[low], values[(low + high) / 2], values[high])
                let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
                var i = low, j = high
                while i <= j {
                    while values[i] < pivot { i += 1 }
                    while values[j] > pivot { j -= 1 }
                    if i <= j {
                        values.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // Now values[low...j] ≤ pivot ≤ values[i...high], and everything between equals the pivot.
                if rank <= j { high = j } else if rank >= i { low = i } else { return values[rank] }
            }
            return values[rank]
        }
    }
}
