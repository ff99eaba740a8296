import ClipMedia
import ClipTestSupport
import Foundation
import Testing

@testable import ClipSandbox

/// A long chain of sandbox continuations, each rendered from the exact last frame of the one before (as
/// decoded from its file, the way `clipkit extend` feeds it), must keep moving in every segment and drift
/// like a generator by the configured amount.
struct LongChainTests {
    /// Renders `count` segments at `width`×`height`: the first from the prompt's synthetic scene, each
    /// next one from the decoded last frame of the previous file. Returns the files in order.
    static func renderChain(
        count: Int, width: Int, height: Int, drift: GenerationDrift, in directory: TemporaryDirectory
    ) throws -> [String] {
        var paths: [String] = []
        var start: RGBImage?
        for index in 0..<count {
            let path = directory.file("segment\(index).mp4")
            let plan = ClipRenderer.Plan(
                width: width, height: height, frameCount: GenerationSpec.frameCount(seconds: 5), start: start,
                end: nil, seed: SplitMix64.seed("x"), drift: drift)
            _ = try ClipRenderer().render(plan, to: path)
            start = try LastFrameExtractor.extract(path: path).image
            paths.append(path)
        }
        return paths
    }

    @Test func everySegmentOfATwentySegmentChainKeepsMovingAndPassesTheFreezeCheck() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = try Self.renderChain(count: 20, width: 192, height: 108, drift: .default, in: directory)
        for (index, path) in paths.enumerated() {
            let report = ClipValidator().validate(path: path)
            #expect(report.frozenSegments.isEmpty, "segment \(index + 1) froze: \(report.frozenSegments)")
            #expect(report.verdict != .fail, "segment \(index + 1): \(report.checks.map(\.message))")
        }
    }

    @Test func aContinuationStartsOnItsStartImageAndEndsWithTheNewShapesGone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let start = TestImages.pattern(width: 192, height: 108, seed: 7)
        let plan = ClipRenderer.Plan(
            width: 192, height: 108, frameCount: 121, start: start, end: nil, seed: 1, drift: .none)
        let output = try ClipRenderer().render(plan, to: directory.file("c.mp4"))
        #expect(output.firstFrame == start, "frame 0 is the start image itself")
        // Without drift, only the marker differs at the end: the camera is back and the shapes have left.
        let different = zip(output.lastFrame.pixels, start.pixels).filter { $0 != $1 }.count
        #expect(different <= 3 * 6 * 6, "\(different) bytes differ from the start image")
        #expect(output.thumbnail.psnr(to: start) < 30, "mid-clip, shapes and camera have moved the picture")
    }
}

/// ``GenerationDrift``, measured on the decoded pixels of successive generations.
struct GenerationDriftTests {
    struct Stats {
        var luma: Double, contrast: Double, saturation: Double

        init(_ image: RGBImage) {
            var sum = 0.0, square = 0.0, chroma = 0.0
            let n = Double(image.width * image.height)
            for i in stride(from: 0, to: image.pixels.count, by: 3) {
                let (r, g, b) = (Double(image.pixels[i]), Double(image.pixels[i + 1]), Double(image.pixels[i + 2]))
                let y = 0.299 * r + 0.587 * g + 0.114 * b
                sum += y
                square += y * y
                chroma += ((r - y) * (r - y) + (g - y) * (g - y) + (b - y) * (b - y)) / 3
            }
            luma = sum / n
            contrast = (square / n - luma * luma).squareRoot()
            saturation = (chroma / n).squareRoot()
        }
    }

    /// The first and last frames of two successive generations from a colourful start image.
    static func twoGenerations(drift: GenerationDrift) throws -> [Stats] {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var start = TestImages.pattern(width: 256, height: 144, seed: 11)
        var stats: [Stats] = [Stats(start)]
        for index in 0..<2 {
            let path = directory.file("g\(index).mp4")
            let plan = ClipRenderer.Plan(
                width: 256, height: 144, frameCount: 121, start: start, end: nil, seed: 3, drift: drift)
            _ = try ClipRenderer().render(plan, to: path)
            start = try LastFrameExtractor.extract(path: path).image
            stats.append(Stats(start))
        }
        return stats
    }

    @Test func eachGenerationDarkensAndFlattensByTheConfiguredAmount() throws {
        let stats = try Self.twoGenerations(drift: .uniform(0.05))
        for generation in 1...2 {
            let (before, after) = (stats[generation - 1], stats[generation])
            let luma = after.luma / before.luma
            let contrast = after.contrast / before.contrast
            let saturation = after.saturation / before.saturation
            #expect((0.93...0.97).contains(luma), "generation \(generation): luma x\(luma)")
            #expect((0.92...0.98).contains(contrast), "generation \(generation): contrast x\(contrast)")
            #expect((0.90...0.98).contains(saturation), "generation \(generation): saturation x\(saturation)")
        }
    }

    @Test func zeroDriftKeepsTheColoursOfTheStartImage() throws {
        let stats = try Self.twoGenerations(drift: .none)
        let (first, last) = (stats[0], stats[2])
        #expect(abs(last.luma - first.luma) < 1.5, "luma \(first.luma) -> \(last.luma)")
        #expect((0.97...1.03).contains(last.contrast / first.contrast))
        #expect((0.95...1.05).contains(last.saturation / first.saturation))
    }

    @Test func theDefaultIsOnAndSmallAndAConfigurationOutOfRangeIsRefused() throws {
        #expect(SandboxConfiguration().drift == .default)
        #expect(!GenerationDrift.default.isNone && GenerationDrift.default.luma <= 0.05)
        var configuration = SandboxConfiguration()
        configuration.drift = .uniform(1.5)
        #expect(throws: SandboxError.self) { try configuration.validate() }
    }
}
