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

    /// Luma PSNR between the output's frames `index - 1` and `index` (a seam), read at 320 pixels wide.
    static func seamPSNR(_ path: String, at index: Int) throws -> Double {
        let frames = try ThumbnailExtractor.frames(path: path, times: .at([(Double(index) - 0.5) / 24, (Double(index) + 0.5) / 24]), width: 320)
        guard frames.count == 2 else { return 0 }
        func luma(_ image: RGBImage) -> [Double] {
            var values: [Double] = []
            var i = 0
            while i + 2 < image.pixels.count {
                let r = Double(image.pixels[i]), g = Double(image.pixels[i + 1]), b = Double(image.pixels[i + 2])
                values.append(0.299 * r + 0.587 * g + 0.114 * b)
                i += 3
            }
            return values
        }
        let a = luma(frames[0].image), b = luma(frames[1].image)
        var squares = 0.0
        for (x, y) in zip(a, b) { squares += (x - y) * (x - y) }
        let mse = squares / Double(max(1, a.count))
        return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
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
            if mode == "first" {
                // The join's correction ramps across each continuation, so both sides of every seam reach the
                // same colours: a seam differs from the frame before it no more than neighbouring frames of
                // the same segment do (the sandbox's motion sets that level).
                for seam in starts.dropFirst() {
                    let across = try Self.seamPSNR(output, at: seam)
                    let within = try Self.seamPSNR(output, at: seam - 3)
                    #expect(across > within - 2 && across > 30, "the output's seam at frame \(seam): \(across) dB; within the segment \(within) dB")
                }
            }
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
            #expect(raw > 25 && corrected > 40 && abs(corrected - raw) > 0.1, "seam \(k + 1): \(raw) dB as generated, \(corrected) dB corrected")
        }
    }
}
