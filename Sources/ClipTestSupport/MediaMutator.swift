import Foundation

/// Deterministic damage to a media file's bytes, of the kinds strangers' files carry: truncations,
/// bit flips, zeroed and resized ISO BMFF boxes, absurd sample-entry sizes and pixel aspects,
/// extreme counts and timings, and (for WebM) absurd sizes and timings in the EBML header.
///
/// Every mutant is a pure function of the input and a fixed seed, so a failure names a mutant that
/// can be made again.
public enum MediaMutator {
    public struct Mutant: Sendable {
        /// What was changed, e.g. "avc1 width/height 65535" or "truncate at 37%".
        public var name: String
        public var bytes: [UInt8]
    }

    /// One box of an ISO BMFF file: its type, where its header starts, its header and total size.
    public struct Box: Sendable {
        public var type: String
        public var offset: Int
        public var headerSize: Int
        public var size: Int
        public var payloadOffset: Int { offset + headerSize }
    }

    /// Containers whose payload starts with child boxes (after the bytes listed in `skip`).
    static let containers: [String: Int] = [
        "moov": 0, "trak": 0, "mdia": 0, "minf": 0, "stbl": 0, "edts": 0, "dinf": 0, "mvex": 0,
        "moof": 0, "traf": 0, "udta": 0,
        "stsd": 8,  // version/flags + entry count
        "avc1": 78, "hvc1": 78, "hev1": 78, "vp09": 78, "mp4v": 78,  // visual sample entry
    ]

    /// Every box of an ISO BMFF file, depth first (the boxes ClipKit and libavformat read).
    public static func boxes(_ bytes: [UInt8]) -> [Box] {
        var found: [Box] = []
        func walk(_ start: Int, _ end: Int, depth: Int) {
            var offset = start
            while offset + 8 <= end, depth < 8 {
                var size = Int(readUInt32(bytes, offset))
                var header = 8
                if size == 1, offset + 16 <= end {
                    size = Int(truncatingIfNeeded: readUInt64(bytes, offset + 8))
                    header = 16
                } else if size == 0 {
                    size = end - offset
                }
                guard size >= header, offset + size <= end else { return }
                let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
                let box = Box(type: type, offset: offset, headerSize: header, size: size)
                found.append(box)
                if let skip = containers[type] { walk(box.payloadOffset + skip, offset + size, depth: depth + 1) }
                offset += size
            }
        }
        walk(0, bytes.count, depth: 0)
        return found
    }

    /// The mutants of an MP4/MOV file: `flips` seeds of bit flips, truncations and box damage.
    public static func isoMutants(_ bytes: [UInt8], flips: Int = 12) -> [Mutant] {
        var mutants = truncations(bytes) + bitFlips(bytes, seeds: flips)
        let all = boxes(bytes)
        func patch(_ name: String, _ edits: [(Int, [UInt8])]) {
            var copy = bytes
            for (offset, value) in edits where offset >= 0 && offset + value.count <= copy.count {
                copy.replaceSubrange(offset..<(offset + value.count), with: value)
            }
            mutants.append(Mutant(name: name, bytes: copy))
        }
        for box in all {
            let p = box.payloadOffset
            // Zeroed payload (the header stays) and resized boxes.
            patch("\(box.type) zeroed", [(p, [UInt8](repeating: 0, count: min(box.size - box.headerSize, 4096)))])
            if box.headerSize == 8 {
                for (label, size) in [("0", UInt32(0)), ("1", 1), ("7", 7), ("+1", UInt32(box.size + 1)), ("-1", UInt32(box.size - 1)), ("max", UInt32.max)] {
                    patch("\(box.type) size \(label)", [(box.offset, be32(size))])
                }
            }
            switch box.type {
            case "avc1", "hvc1", "hev1", "vp09", "mp4v":
                // width and height at 24 and 26 bytes into the sample entry's payload.
                patch("\(box.type) width/height 65535", [(p + 24, [0xFF, 0xFF, 0xFF, 0xFF])])
                patch("\(box.type) width/height 0", [(p + 24, [0, 0, 0, 0])])
                patch("\(box.type) width 65535", [(p + 24, [0xFF, 0xFF])])
            case "pasp":
                patch("pasp 52:1", [(p, be32(52) + be32(1))])
                patch("pasp 1:52", [(p, be32(1) + be32(52))])
                patch("pasp 65535:1", [(p, be32(65535) + be32(1))])
                patch("pasp 0:0", [(p, be32(0) + be32(0))])
                patch("pasp 1:65535", [(p, be32(1) + be32(65535))])
            case "avcC":
                patch("avcC sps length max", [(p + 6, [0xFF, 0xFF])])
                patch("avcC 31 sps", [(p + 5, [0xFF])])
            case "mvhd", "mdhd":
                // version 0: timescale at 12, duration at 16.
                for (label, value) in [("0", UInt32(0)), ("1", 1), ("max", UInt32.max)] {
                    patch("\(box.type) timescale \(label)", [(p + 12, be32(value))])
                    patch("\(box.type) duration \(label)", [(p + 16, be32(value))])
                }
            case "tkhd":
                patch("tkhd width/height max", [(p + 76, be32(UInt32.max) + be32(UInt32.max))])
            case "stts", "ctts", "stss", "stsc", "stco", "stsz", "elst", "trun":
                // entry count (sample count for stsz/trun) right after version/flags (stsz: after sample size).
                let countAt = box.type == "stsz" ? p + 8 : p + 4
                patch("\(box.type) count max", [(countAt, be32(UInt32.max))])
                patch("\(box.type) count 0", [(countAt, be32(0))])
                patch("\(box.type) count +1000", [(countAt, be32(readUInt32(bytes, countAt) &+ 1000))])
                if box.type == "stts" {
                    patch("stts delta 0", [(p + 12, be32(0))])
                    patch("stts delta max", [(p + 12, be32(UInt32.max))])
                    patch("stts sample count max", [(p + 8, be32(UInt32.max))])
                }
                if box.type == "elst" {
                    patch("elst media time max", [(p + 12, be32(UInt32.max - 1))])
                    patch("elst duration max", [(p + 8, be32(UInt32.max))])
                }
                if box.type == "ctts" { patch("ctts offset max", [(p + 12, be32(UInt32.max / 2))]) }
            case "tfhd":
                patch("tfhd defaults max", [(p + 8, [UInt8](repeating: 0xFF, count: 16))])
            case "tfdt":
                patch("tfdt decode time max", [(p + 4, be32(UInt32.max))])
            default: break
            }
        }
        return mutants
    }

    /// The mutants of a WebM/Matroska file: truncations, bit flips, and absurd values in the
    /// elements found by their IDs (pixel sizes, timecode scale, default duration).
    public static func matroskaMutants(_ bytes: [UInt8], width: Int, height: Int, flips: Int = 12) -> [Mutant] {
        var mutants = truncations(bytes) + bitFlips(bytes, seeds: flips)
        func element(_ id: [UInt8], value: Int?) -> Int? {
            guard bytes.count > id.count + 3 else { return nil }
            for i in 0..<(bytes.count - id.count - 3) where Array(bytes[i..<(i + id.count)]) == id {
                let sizeByte = bytes[i + id.count]
                guard sizeByte & 0x80 != 0 else { continue }  // one-byte size
                let length = Int(sizeByte & 0x7F)
                guard length >= 1, length <= 8, i + id.count + 1 + length <= bytes.count else { continue }
                let start = i + id.count + 1
                let number = bytes[start..<(start + length)].reduce(0) { $0 << 8 | Int($1) }
                if value == nil || number == value { return i }
            }
            return nil
        }
        func patchElement(_ name: String, _ id: [UInt8], matching: Int?, fill: UInt8) {
            guard let at = element(id, value: matching) else { return }
            var copy = bytes
            let length = Int(bytes[at + id.count] & 0x7F)
            for k in 0..<length { copy[at + id.count + 1 + k] = fill }
            mutants.append(Mutant(name: name, bytes: copy))
        }
        patchElement("PixelWidth 65535+", [0xB0], matching: width, fill: 0xFF)
        patchElement("PixelHeight 65535+", [0xBA], matching: height, fill: 0xFF)
        patchElement("PixelWidth 0", [0xB0], matching: width, fill: 0)
        patchElement("DisplayWidth max", [0x54, 0xB0], matching: nil, fill: 0xFF)
        patchElement("TimecodeScale max", [0x2A, 0xD7, 0xB1], matching: nil, fill: 0xFF)
        patchElement("TimecodeScale 0", [0x2A, 0xD7, 0xB1], matching: nil, fill: 0)
        patchElement("DefaultDuration max", [0x23, 0xE3, 0x83], matching: nil, fill: 0xFF)
        patchElement("Duration max", [0x44, 0x89], matching: nil, fill: 0x7F)
        return mutants
    }

    /// Cuts at fixed fractions of the file and a few bytes from each end.
    public static func truncations(_ bytes: [UInt8]) -> [Mutant] {
        let cuts = [1, 8, 16, 100] + [0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.99].map { Int(Double(bytes.count) * $0) } + [bytes.count - 1]
        return Set(cuts).sorted().filter { $0 > 0 && $0 < bytes.count }.map {
            Mutant(name: "truncate at \($0) of \(bytes.count)", bytes: Array(bytes[0..<$0]))
        }
    }

    /// `seeds` mutants with 1, 10 or 100 bits flipped at positions from a fixed-seed generator.
    public static func bitFlips(_ bytes: [UInt8], seeds: Int) -> [Mutant] {
        (0..<seeds).map { seed in
            var generator = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9 &+ 1)
            let count = [1, 10, 100][seed % 3]
            var copy = bytes
            for _ in 0..<count {
                let position = Int(generator.next() % UInt64(copy.count))
                copy[position] ^= UInt8(1 << (generator.next() % 8))
            }
            return Mutant(name: "flip \(count) bits (seed \(seed))", bytes: copy)
        }
    }

    /// `count` bits flipped at random positions from `start` on (past the headers, in the coded pictures).
    public static func flipBits(_ bytes: [UInt8], count: Int, from start: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var copy = bytes
        let span = UInt64(max(1, bytes.count - start))
        for _ in 0..<count {
            let position = start + Int(generator.next() % span)
            copy[position] ^= UInt8(1 << (generator.next() % 8))
        }
        return copy
    }

    static func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        guard offset + 4 <= bytes.count else { return 0 }
        return bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        guard offset + 8 <= bytes.count else { return 0 }
        return bytes[offset..<(offset + 8)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}

/// A small deterministic generator (SplitMix64), so every mutant can be made again.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
