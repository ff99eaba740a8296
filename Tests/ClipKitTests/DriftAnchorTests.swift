import ClipMedia
import ClipSandbox
import ClipTestSupport
import Foundation
import Testing

/// `--color-match first` anchors the chain at the source: measured from the joined output's pixels, the
/// last segment keeps the first one's colours, while the same chain without it drifts darker and flatter.
@Suite(.serialized)
struct DriftAnchorTests {
    /// Mean luma, luma standard deviation (contrast) and mean chroma distance from grey (saturation) of
    /// the output's frames at `times`.
    static func colours(_ path: String, at times: [Double]) throws -> (luma: Double, contrast: Double, saturation: Double) {
        let frames = try ThumbnailExtractor.frames(path: path, times: .at(times), width: 320)
        var sum = 0.0, squares = 0.0, chroma = 0.0, count = 0.0
        for frame in frames {
            let pixels = frame.image.pixels
            var i = 0
            while i + 2 < pixels.count {
                let r = Double(pixels[i]), g = Double(pixels[i + 1]), b = Double(pixels[i + 2])
                let y = 0.299 * r + 0.587 * g + 0.114 * b
                sum += y
                squares += y * y
                chroma += (abs(r - y) + abs(g - y) + abs(b - y)) / 3
                count += 1
                i += 3
            }
        }
        let mean = sum / count
        return (mean, (squares / count - mean * mean).squareRoot(), chroma / count)
    }

    @Test func anchoringAtTheSourceKeepsTheLastSegmentOnTheFirstOnesColours() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A generator that drifts hard (6 % per generation), so four segments show it plainly.
        let sandbox = try await SandboxServer.start(SandboxConfiguration(stepDelay: 0, drift: .uniform(0.06)))
        defer { Task { await sandbox.stop() } }
        var reported: [String: [[String: Any]]] = [:]
        var measured: [String: (first: (luma: Double, contrast: Double, saturation: Double), last: (luma: Double, contrast: Double, saturation: Double))] = [:]
        for mode in ["none", "first"] {
            let output = directory.file("chain-\(mode).mp4")
            let result = try await CLI.running(
                ["extend", "--prompt", "a lighthouse at dusk", "--segments", "4", "--color-match", mode, "-o", output, "--json"]
                    + MoneySafetyTests.arguments("kkiai", sandbox))
            #expect(result.status == 0, "\(result.stderr)")
            let json = try #require(try result.json() as? [String: Any])
            let starts = [0] + (json["seam_frames"] as? [Int] ?? [])
            let frames = try #require(json["frame_count"] as? Int)
            #expect(starts.count == 4)
            // Five frames spread over the first and over the last segment.
            func times(_ from: Int, _ to: Int) -> [Double] { (1...5).map { Double(from) / 24 + Double(to - from) / 24 * Double($0) / 6 } }
            measured[mode] = (
                try Self.colours(output, at: times(starts[0], starts[1])), try Self.colours(output, at: times(starts[3], frames)))
            #expect(try await JSONSchemaValidation.violations(of: result.stdout, schema: "extend") == [])
            reported[mode] = try #require(json["segments"] as? [[String: Any]])
        }
        let plain = try #require(measured["none"]), anchored = try #require(measured["first"])
        // Without anchoring the drift shows: darker and flatter by several levels / per cent.
        #expect(plain.first.luma - plain.last.luma > 4)
        #expect(plain.last.contrast / plain.first.contrast < 0.95 || plain.last.saturation / plain.first.saturation < 0.95)
        // With it, the last segment stays within 2 luma levels and 5 % of contrast and saturation.
        #expect(abs(anchored.last.luma - anchored.first.luma) < 2)
        #expect(abs(anchored.last.contrast / anchored.first.contrast - 1) < 0.05)
        #expect(abs(anchored.last.saturation / anchored.first.saturation - 1) < 0.05)

        // The report says the same, per segment, before and after the join's correction, and each seam both ways.
        func drift(_ mode: String, _ segment: Int, _ when: String) throws -> (luma: Double, contrast: Double, saturation: Double) {
            let object = try #require(reported[mode]?[segment]["drift_\(when)"] as? [String: Double], "\(mode) \(segment) \(when)")
            return (try #require(object["luma_offset"]), try #require(object["contrast_ratio"]), try #require(object["saturation_ratio"]))
        }
        let plainBefore = try drift("none", 3, "before"), plainAfter = try drift("none", 3, "after")
        let anchoredBefore = try drift("first", 3, "before"), anchoredAfter = try drift("first", 3, "after")
        // Without the option the output keeps the generator's drift: nothing corrects it.
        #expect(plainBefore.luma < -4 && plainBefore.contrast < 1, "\(plainBefore)")
        #expect(plainAfter == plainBefore)
        // Anchoring at the source leaves less to correct: the generated segment 4 drifted far less.
        #expect(abs(anchoredBefore.luma) < abs(plainBefore.luma) / 2, "\(anchoredBefore) vs \(plainBefore)")
        // And the join's correction brings what is left within the targets.
        #expect(abs(anchoredAfter.luma) < 2 && abs(anchoredAfter.contrast - 1) < 0.05 && abs(anchoredAfter.saturation - 1) < 0.05,
            "\(anchoredAfter)")
        #expect(try drift("first", 0, "after") == (0, 1, 1), "segment 1 is the reference")
        for k in 0..<3 {
            let plainSeam = try #require(reported["none"]?[k])
            let anchoredSeam = try #require(reported["first"]?[k])
            #expect(plainSeam["seam_psnr_corrected"] == nil, "no correction, no corrected score")
            let raw = try #require(anchoredSeam["seam_psnr"] as? Double)
            let corrected = try #require(anchoredSeam["seam_psnr_corrected"] as? Double)
            // Each continuation starts from the frame handed to it (a broken handoff scores ~10-15 dB), and the
            // corrected score is measured on corrected frames, not copied from the raw one.
            #expect(raw > 25 && corrected > 25 && abs(corrected - raw) > 0.1, "seam \(k + 1): \(raw) dB as generated, \(corrected) dB corrected")
        }
    }
}
