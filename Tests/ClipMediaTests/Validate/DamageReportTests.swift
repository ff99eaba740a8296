import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// Clips with flipped bits in their coded pictures: the decoder conceals the damage and keeps going,
/// so every frame still comes out. `check` must say so anyway, as `ffmpeg -v error` does.
struct DamageReportTests {
    /// Twelve damaged copies: 10, 100 and 1,000 flipped bits, four seeds each.
    static let damage: [(bits: Int, seed: UInt64)] = [10, 100, 1000].flatMap { bits in (1...4).map { (bits, UInt64($0)) } }

    static func damagedCopies(in directory: TemporaryDirectory) throws -> [(name: String, path: String)] {
        let original = try Fixtures.clip("clean.mp4", in: directory, frames: 121)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        let mdat = try #require(MediaMutator.boxes(bytes).first { $0.type == "mdat" })
        return try damage.map { bits, seed in
            let name = "flip-\(bits)-\(seed).mp4"
            let path = directory.file(name)
            // Past the first 64 bytes of mdat, so the first picture's slice header usually survives.
            let copy = MediaMutator.flipBits(bytes, count: bits, from: mdat.payloadOffset + 64, seed: seed)
            try Data(copy).write(to: URL(fileURLWithPath: path))
            return (name, path)
        }
    }

    @Test func checkFailsDecodesWheneverFFmpegReportsDecodingErrors() throws {
        try #require(ReferenceTools.available)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var damagedSeen = 0
        for clip in try Self.damagedCopies(in: directory) {
            let ffmpegErrors = try ReferenceTools.decodingErrorLines(clip.path)
            let report = ClipValidator().validate(path: clip.path)
            let decodes = try #require(report.checks.first { $0.name == .decodes })
            if ffmpegErrors.isEmpty { continue }
            damagedSeen += 1
            #expect(decodes.status == .fail, "\(clip.name): ffmpeg printed \(ffmpegErrors.count) errors, check said \(decodes.message)")
            #expect(report.verdict == .fail)
            #expect(
                ["error", "concealed", "no frame could be decoded"].contains { decodes.message.contains($0) },
                "\(clip.name): \(decodes.message)")
            #expect(!decodes.message.contains("\n"))
        }
        // Most of the twelve are damaged enough for ffmpeg to say so; the test compares on those.
        #expect(damagedSeen >= 6)
    }

    @Test func countsTheErrorsAndSaysWhenTheFirstShowed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Fixtures.clip("clean.mp4", in: directory, frames: 121)
        let clean = ClipValidator().validate(path: original)
        #expect(clean.checks.first { $0.name == .decodes }?.status == .pass)

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        let mdat = try #require(MediaMutator.boxes(bytes).first { $0.type == "mdat" })
        // Damage only the second half of the pictures: the first error is after the clip's middle.
        let half = mdat.payloadOffset + (mdat.size - mdat.headerSize) / 2
        let path = directory.file("late-damage.mp4")
        try Data(MediaMutator.flipBits(bytes, count: 200, from: half, seed: 7)).write(to: URL(fileURLWithPath: path))
        let report = ClipValidator().validate(path: path)
        let decodes = try #require(report.checks.first { $0.name == .decodes })
        #expect(decodes.status == .fail)
        let match = decodes.message.firstMatch(of: /the first at ([0-9.]+) s/)
        let first = try #require(match.flatMap { Double($0.1) }, "\(decodes.message)")
        #expect(first > 1.0 && first <= 5.05, "\(decodes.message)")
        #expect(decodes.message.firstMatch(of: /([0-9]+) (decoding error|concealed frame)/) != nil)
    }

    @Test func lastFrameWarnsWhenTheFrameItReturnsWasConcealed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let original = try Fixtures.clip("clean.mp4", in: directory, frames: 121)
        #expect(try LastFrameExtractor.extract(path: original).warnings.allSatisfy { !$0.contains("conceal") })
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        // Damage the last few kilobytes: the last pictures in the file.
        let path = directory.file("damaged-tail.mp4")
        let start = bytes.count - min(4096, bytes.count / 4)
        try Data(MediaMutator.flipBits(bytes, count: 300, from: start, seed: 3)).write(to: URL(fileURLWithPath: path))
        let frame = try LastFrameExtractor.extract(path: path)
        #expect(frame.warnings.contains { $0.contains("concealed") || $0.contains("reported") || $0.contains("damaged") }, "\(frame.warnings)")
    }
}
