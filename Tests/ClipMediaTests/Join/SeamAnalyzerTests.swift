import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct SeamAnalyzerTests {
    @Test func scoresAContinuationThatStartsFromThePreviousLastFrameHigh() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try ChainFixtures.chain(2, frames: 24, in: directory)
        let report = try SeamAnalyzer().analyze(clips: clips)
        let seam = try #require(report.seams.first)
        #expect(seam.psnr > 35)
        #expect(seam.ssim > 0.95)
        #expect(report.segments.count == 2)
        // Same scene, so no tint and no contrast creep (the index blocks change the mean luma a little).
        #expect(abs(report.segments[1].drift.uMean) < 2 && abs(report.segments[1].drift.vMean) < 2)
        #expect(abs(report.segments[1].drift.contrast - 1) < 0.05)
    }

    @Test func scoresAnUnrelatedClipLow() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 24)
        // Another scene: a green-tinted checkerboard.
        let b = try FixtureFactory.makeClip(at: directory.file("b.mp4"), settings: Fixtures.settings(), frames: 24) { _ in
            var image = RGBImage(width: 320, height: 180, red: 0, green: 0, blue: 0)
            for y in 0..<180 {
                for x in 0..<320 {
                    let light = (x / 20 + y / 20) % 2 == 0
                    let i = (y * 320 + x) * 3
                    image.pixels[i] = light ? 120 : 10
                    image.pixels[i + 1] = light ? 240 : 60
                    image.pixels[i + 2] = light ? 90 : 10
                }
            }
            return image
        }
        let report = try SeamAnalyzer().analyze(clips: [a, b])
        let seam = try #require(report.seams.first)
        #expect(seam.psnr < 25)
        #expect(seam.ssim < 0.7)
        #expect(abs(report.segments[1].drift.uMean) + abs(report.segments[1].drift.vMean) > 5)
    }

    @Test func findsTheSeamsInsideAJoinedFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 24)
        let b = try FixtureFactory.makeClip(at: directory.file("b.mp4"), settings: Fixtures.settings(), frames: 24) { _ in
            RGBImage(width: 320, height: 180, red: 200, green: 30, blue: 30)
        }
        let joined = directory.file("joined.mp4")
        try ClipJoiner.join(inputs: [a, a, b], output: joined, seam: .keep)
        let report = try SeamAnalyzer().analyze(joined: joined, seamFrames: [24, 48])
        #expect(report.seams.map(\.frame) == [24, 48])
        // a then a again jumps from frame 23 back to frame 0 (the moving square); a then red is unrelated.
        #expect(report.seams[0].psnr > report.seams[1].psnr)
        #expect(report.seams[1].psnr < 20)
        #expect(report.segments.map(\.frameCount) == [24, 24, 24])
        #expect(abs(report.segments[1].drift.yMean) < 1)
        #expect(report.segments[2].drift.vMean > 20)
        #expect(report.segments[2].drift.contrast < 0.5)
    }

    @Test func rejectsSeamFramesOutsideTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Fixtures.clip("a.mp4", in: directory, frames: 12)
        #expect(throws: MediaError.self) { try SeamAnalyzer().analyze(joined: a, seamFrames: [40]) }
    }

    @Test func measuresPSNRAndSSIMOnLuma() {
        let flat = LumaPlane(width: 16, height: 16, samples: [UInt8](repeating: 100, count: 256))
        let noisy = LumaPlane(width: 16, height: 16, samples: (0..<256).map { UInt8(100 + ($0 % 2 == 0 ? 5 : -5)) })
        #expect(flat.psnr(to: flat) == 100)
        #expect(flat.ssim(to: flat) > 0.999)
        #expect(abs(flat.psnr(to: noisy) - 10 * log10(255.0 * 255 / 25)) < 1e-9)
        #expect(flat.ssim(to: noisy) < 0.999)
    }
}
