/// An H.264 decoder configuration record (`avcC`, ISO/IEC 14496-15 §5.3.3): the parameter sets an MP4
/// `avc1` track carries in its sample entry, plus helpers for the NAL units around it.
///
/// A join that stream-copies some GOPs and re-encodes others needs both encoders' SPS/PPS in the one
/// sample entry of the output track. The record allows up to 31 SPS and 255 PPS, so the re-encoder is
/// given parameter-set ids the copied stream does not use and its sets are appended here; every slice
/// then names the set it was coded with, and the track stays a plain, spec-conformant `avc1`.
struct AVCConfiguration: Equatable {
    var profile: UInt8
    var compatibility: UInt8
    var level: UInt8
    /// Bytes of the length prefix before each NAL unit in a sample (1, 2 or 4).
    var lengthSize: Int
    var sequenceParameterSets: [[UInt8]]
    var pictureParameterSets: [[UInt8]]
    /// What follows the PPS list (the High-profile chroma/bit-depth extension), kept verbatim.
    var trailer: [UInt8]

    /// Parses an `avcC` record; nil when `bytes` is not one (Annex B extradata, another codec).
    init?(avcC bytes: [UInt8]) {
        guard bytes.count >= 7, bytes[0] == 1 else { return nil }
        profile = bytes[1]
        compatibility = bytes[2]
        level = bytes[3]
        lengthSize = Int(bytes[4] & 0x03) + 1
        guard lengthSize != 3 else { return nil }
        var offset = 6
        func readSets(count: Int) -> [[UInt8]]? {
            var sets: [[UInt8]] = []
            for _ in 0..<count {
                guard offset + 2 <= bytes.count else { return nil }
                let size = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                offset += 2
                guard size > 0, offset + size <= bytes.count else { return nil }
                sets.append(Array(bytes[offset..<offset + size]))
                offset += size
            }
            return sets
        }
        guard let sps = readSets(count: Int(bytes[5] & 0x1F)) else { return nil }
        guard offset < bytes.count else { return nil }
        let ppsCount = Int(bytes[offset])
        offset += 1
        guard let pps = readSets(count: ppsCount) else { return nil }
        sequenceParameterSets = sps
        pictureParameterSets = pps
        trailer = Array(bytes[offset...])
    }

    /// True when the stream is 8-bit 4:2:0, what libx264 re-encodes it as: every profile below High 10,
    /// or a High-profile extension that says so.
    var isEightBit420: Bool {
        guard H264SequenceParameters.highProfiles.contains(Int(profile)) else { return true }
        if trailer.count >= 3 { return trailer[0] & 0x03 == 1 && trailer[1] & 0x07 == 0 && trailer[2] & 0x07 == 0 }
        return profile == 100
    }

    /// The record as bytes, for `AVCodecParameters.extradata`.
    var serialized: [UInt8] {
        var bytes: [UInt8] = [1, profile, compatibility, level, 0xFC | UInt8(lengthSize - 1)]
        bytes.append(0xE0 | UInt8(sequenceParameterSets.count))
        for set in sequenceParameterSets { bytes += [UInt8(set.count >> 8), UInt8(set.count & 0xFF)] + set }
        bytes.append(UInt8(pictureParameterSets.count))
        for set in pictureParameterSets { bytes += [UInt8(set.count >> 8), UInt8(set.count & 0xFF)] + set }
        return bytes + trailer
    }

    /// Ids of the SPS and PPS in the record.
    var sequenceParameterSetIDs: Set<Int> { Set(sequenceParameterSets.compactMap(NALUnit.sequenceParameterSetID)) }
    var pictureParameterSetIDs: Set<Int> { Set(pictureParameterSets.compactMap { NALUnit.pictureParameterSetIDs($0)?.pps }) }

    /// Adds another encoder's parameter sets; the header fields become those every set conforms to.
    mutating func append(sequenceParameterSets sps: [[UInt8]], pictureParameterSets pps: [[UInt8]]) {
        for set in sps {
            guard set.count >= 4 else { continue }
            profile = max(profile, set[1])
            compatibility &= set[2]
            level = max(level, set[3])
        }
        sequenceParameterSets += sps
        pictureParameterSets += pps
    }
}

/// NAL-unit level helpers for H.264 samples and extradata.
enum NALUnit {
    static let sequenceParameterSet: UInt8 = 7
    static let pictureParameterSet: UInt8 = 8
    static let idrSlice: UInt8 = 5

    /// True when `bytes` begins with a 4-byte Annex B start code (what libx264 emits).
    static func isAnnexB(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && (bytes[2] == 1 || (bytes[2] == 0 && bytes[3] == 1))
    }

    /// The NAL units of an Annex B byte stream, without their start codes.
    static func splitAnnexB(_ bytes: UnsafeBufferPointer<UInt8>) -> [ArraySlice<UInt8>] {
        let all = Array(bytes)
        var units: [ArraySlice<UInt8>] = []
        var i = 0
        var start: Int? = nil
        while i + 2 < all.count {
            if all[i] == 0 && all[i + 1] == 0 && all[i + 2] == 1 {
                if let s = start {
                    var end = i
                    while end > s && all[end - 1] == 0 { end -= 1 }
                    units.append(all[s..<end])
                }
                i += 3
                start = i
            } else {
                i += 1
            }
        }
        if let s = start, s < all.count { units.append(all[s..<all.count]) }
        return units.filter { !$0.isEmpty }
    }

    /// The NAL units of a length-prefixed sample.
    static func splitLengthPrefixed(_ bytes: UnsafeBufferPointer<UInt8>, lengthSize: Int) -> [ArraySlice<UInt8>]? {
        let all = Array(bytes)
        var units: [ArraySlice<UInt8>] = []
        var offset = 0
        while offset < all.count {
            guard offset + lengthSize <= all.count else { return nil }
            var size = 0
            for k in 0..<lengthSize { size = size << 8 | Int(all[offset + k]) }
            offset += lengthSize
            guard size > 0, offset + size <= all.count else { return nil }
            units.append(all[offset..<offset + size])
            offset += size
        }
        return units
    }

    /// Rewrites Annex B NAL units as a length-prefixed sample, leaving out parameter sets (they live in `avcC`).
    static func lengthPrefixed(_ units: [ArraySlice<UInt8>], lengthSize: Int) -> [UInt8] {
        var out: [UInt8] = []
        for unit in units {
            let type = unit.first! & 0x1F
            if type == sequenceParameterSet || type == pictureParameterSet { continue }
            let size = unit.count
            for k in stride(from: lengthSize - 1, through: 0, by: -1) { out.append(UInt8((size >> (8 * k)) & 0xFF)) }
            out += unit
        }
        return out
    }

    static func type(_ unit: ArraySlice<UInt8>) -> UInt8 { unit.first! & 0x1F }

    /// `seq_parameter_set_id` of an SPS NAL unit (header byte included).
    static func sequenceParameterSetID(_ unit: [UInt8]) -> Int? {
        guard unit.count > 4, unit[0] & 0x1F == sequenceParameterSet else { return nil }
        var reader = BitReader(escaped: unit[4...])
        return (try? reader.golomb()).map(Int.init)
    }

    /// `pic_parameter_set_id` and `seq_parameter_set_id` of a PPS NAL unit (header byte included).
    static func pictureParameterSetIDs(_ unit: [UInt8]) -> (pps: Int, sps: Int)? {
        guard unit.count > 1, unit[0] & 0x1F == pictureParameterSet else { return nil }
        var reader = BitReader(escaped: unit[1...])
        guard let pps = try? reader.golomb(), let sps = try? reader.golomb() else { return nil }
        return (Int(pps), Int(sps))
    }
}
