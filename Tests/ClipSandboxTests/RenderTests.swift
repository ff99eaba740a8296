import ClipMedia
import Foundation
import Testing

@testable import ClipSandbox

struct OutputSizeTableTests {
    @Test func webAppResellersReturnTheWebAppPresets() {
        #expect(OutputSizeTable.size(for: .piapi, aspectRatio: "16:9", resolution: nil)! == (1360, 752))
        #expect(OutputSizeTable.size(for: .piapi, aspectRatio: "4:3", resolution: nil)! == (1152, 864))
        #expect(OutputSizeTable.size(for: .kkiai, aspectRatio: "1:1", resolution: "720p")! == (1024, 1024))
        #expect(OutputSizeTable.size(for: .kkiai, aspectRatio: "9:16", resolution: "720p")! == (752, 1360))
    }

    @Test func officialAPIAndPixwithReturnStandardSizes() {
        #expect(OutputSizeTable.size(for: .luma, aspectRatio: "16:9", resolution: "720p")! == (1280, 720))
        #expect(OutputSizeTable.size(for: .luma, aspectRatio: "9:16", resolution: "720p")! == (720, 1280))
        #expect(OutputSizeTable.size(for: .pixwith, aspectRatio: "16:9", resolution: "540p")! == (960, 540))
        #expect(OutputSizeTable.size(for: .luma, aspectRatio: "16:9", resolution: "1080p")! == (1920, 1080))
    }

    @Test func everySizeIsEvenForEveryProviderAndAspect() {
        for provider in SandboxProvider.allCases {
            for aspect in OutputSizeTable.aspectRatios {
                for resolution in [nil, "540p", "720p", "1080p"] {
                    guard let size = OutputSizeTable.size(for: provider, aspectRatio: aspect, resolution: resolution)
                    else {
                        Issue.record("no size for \(provider) \(aspect)")
                        continue
                    }
                    #expect(size.width % 2 == 0 && size.height % 2 == 0)
                }
            }
        }
    }

    @Test func framesFollowRay2sDurationPlusOne() {
        #expect(GenerationSpec.frameCount(seconds: 5) == 121)
        #expect(GenerationSpec.frameCount(seconds: 9) == 217)
    }
}

struct RenderTests {
    @Test func aClipHasRay2sFrameCountAndTheProvidersSize() async throws {
        try await withSandbox(.forTesting(renderScale: 0.2)) { _, client in
            var options = pixwithSeedBody["options"]!.objectValue!
            options["duration"] = 9
            options["resolution"] = "720p"
            var body = pixwithSeedBody.objectValue!
            body["options"] = .object(options)
            let created = try await client.send(.POST, "/api/task/create", headers: client.pixwith, json: .object(body))
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let url = try #require(
                try await client.pixwithTask(id).json["data"]?["result_urls"]?.arrayValue?.first?.stringValue)
            let probe = try MediaOracle.probe(try await client.download(url))
            #expect(probe.frames == 217)
            #expect(probe.width == 256 && probe.height == 144, "1280x720 x 0.2")
            #expect(probe.codec == "h264")
            #expect(probe.frameRate == "24/1")
        }
    }

    @Test func frameZeroIsTheStartImageAndNoFrameRepeatsTheOneBefore() async throws {
        let start = TestImages.pattern(width: 400, height: 300, seed: 2)
        try await withSandbox { server, client in
            let body = piapiSeedBody(startImage: try TestImages.dataURI(start))
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: body)
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let output = try #require(try await client.piapiTask(id).json["data"]?["output"])
            let path = try await client.download(try #require(output["video_raw"]?["url"]?.stringValue))
            let (width, height) = (340, 188)
            let frames = try MediaOracle.frames(path, width: width, height: height)
            #expect(frames.count == 121)

            let crop = ClipRenderer.coverRect(
                sourceWidth: start.width, sourceHeight: start.height, width: width, height: height)
            let expected = try start.resized(width: width, height: height, crop: crop)
            let psnr = MediaOracle.psnr(frames[0], expected.pixels)
            #expect(psnr > 30, "frame 0 vs the start image scaled to cover: \(psnr) dB")
            for index in 1..<frames.count {
                #expect(frames[index] != frames[index - 1], "frame \(index) repeats frame \(index - 1)")
            }
            #expect(await server.inspect().tasks.first?.startImageSHA256 == TestImages.sha256(start))
        }
    }

    @Test func theClipEndsOnTheEndImage() async throws {
        let start = TestImages.pattern(width: 320, height: 180, seed: 3)
        let end = TestImages.pattern(width: 320, height: 180, seed: 5)
        try await withSandbox { _, client in
            let body: JSONValue = [
                "prompt": "a cat", "model_id": "3-4",
                "image_urls": [.string(try TestImages.dataURI(start)), .string(try TestImages.dataURI(end))],
                "options": ["prompt_optimization": false, "aspect_ratio": "16:9", "resolution": "540p", "duration": 5],
            ]
            let created = try await client.send(.POST, "/api/task/create", headers: client.pixwith, json: body)
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let url = try #require(
                try await client.pixwithTask(id).json["data"]?["result_urls"]?.arrayValue?.first?.stringValue)
            let frames = try MediaOracle.frames(try await client.download(url), width: 240, height: 136)
            let crop = ClipRenderer.coverRect(sourceWidth: end.width, sourceHeight: end.height, width: 240, height: 136)
            let expectedEnd = try end.resized(width: 240, height: 136, crop: crop)
            let last = try #require(frames.last)
            #expect(MediaOracle.psnr(last, expectedEnd.pixels) > 25)
            #expect(MediaOracle.psnr(last, expectedEnd.pixels) > MediaOracle.psnr(frames[0], expectedEnd.pixels) + 3)
        }
    }

    @Test func aChainedTaskStartsFromThePreviousClipsLastFrameURL() async throws {
        try await withSandbox { server, client in
            let first = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            let firstID = try #require(first.json["id"]?.stringValue)
            let lastFrameURL = try #require(try await client.kkiaiTask(firstID).json["last_frame"]?["url"]?.stringValue)
            let lastFrame = try ImageCodec.decode(try await client.send(.GET, lastFrameURL).data)

            var body = kkiaiSeedBody.objectValue!
            body["image_url"] = .string(lastFrameURL)
            let second = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: .object(body))
            let secondID = try #require(second.json["id"]?.stringValue)
            #expect(try await client.kkiaiTask(secondID).json["state"]?.stringValue == "completed")
            let record = try #require(await server.inspect().tasks.first { $0.id == secondID })
            #expect(record.startImageSHA256 == TestImages.sha256(lastFrame))
        }
    }

    @Test func aClipChainedFromTheExtractedLastFrameStartsExactlyThere() async throws {
        try await withSandbox { server, client in
            let first = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: LumaWireTests.body)
            let firstID = try #require(first.json["id"]?.stringValue)
            let firstURL = try #require(try await client.lumaGeneration(firstID).json["assets"]?["video"]?.stringValue)
            let last = try LastFrameExtractor.extract(path: try await client.download(firstURL)).image

            var body = LumaWireTests.body.objectValue!
            body["keyframes"] = ["frame0": ["type": "image", "url": .string(try TestImages.dataURI(last))]]
            let second = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: .object(body))
            let secondID = try #require(second.json["id"]?.stringValue)
            let secondURL = try #require(
                try await client.lumaGeneration(secondID).json["assets"]?["video"]?.stringValue)
            let secondPath = try await client.download(secondURL)

            let record = try #require(await server.inspect().tasks.first { $0.id == secondID })
            #expect(record.startImageSHA256 == TestImages.sha256(last))
            let frames = try MediaOracle.frames(secondPath, width: last.width, height: last.height)
            let seam = MediaOracle.psnr(frames[0], last.pixels)
            #expect(seam > 30, "clip 2 frame 0 vs clip 1 last frame: \(seam) dB")
            let info = try MediaProbe.probe(path: secondPath)
            #expect(info.video?.width == 320 && info.video?.height == 180)
        }
    }

    @Test func withoutAStartImageTheSceneIsSyntheticAndMoving() async throws {
        let image = try ClipRenderer().renderSyntheticPreview()
        #expect(image.first != image.last)
    }
}

extension ClipRenderer {
    /// Renders a tiny synthetic clip to a temp file and returns its first and last frames.
    func renderSyntheticPreview() throws -> [RGBImage] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synthetic-\(UUID().uuidString).mp4")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try render(
            Plan(width: 64, height: 36, frameCount: 25, start: nil, end: nil, seed: SplitMix64.seed("a cat")), to: path)
        #expect(FileManager.default.fileExists(atPath: path))
        return [output.firstFrame, output.lastFrame]
    }
}
