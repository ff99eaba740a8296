import ClipMedia
import ClipPipeline
import ClipProviders
import Foundation
import Testing

/// The whole chain is resolved and checked before the first submit: defaults explicit, continuations
/// valid, expectations from the request that will be sent.
struct ChainPlannerTests {
    static let library = PresetLibrary(directories: [
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../presets").standardized.path
    ])

    static func planner(_ provider: ProviderKind, hosting: FrameHosting? = nil) -> ChainPlanner {
        let profile = ProviderProfile.of(provider)
        let route = hosting ?? FrameHosting.auto.resolved(for: profile.capabilities)
        return ChainPlanner(profile: profile, library: library, hosting: route, imageSize: { _ in (1360, 752) })
    }

    static func plan(_ provider: ProviderKind, segments: Int = 3, _ change: (inout ChainPlan) -> Void = { _ in }) -> ChainPlan {
        var plan = ChainPlan(kind: .extend, provider: provider, prompts: ["a paper boat"], segments: segments, output: "/tmp/out.mp4")
        change(&plan)
        return plan
    }

    @Test(arguments: [
        (ProviderKind.kkiai, "720p", "preset kkiai-ray2-720p-5s"),
        (.luma, "720p", "preset luma-ray2-720p-5s"),
        (.pixwith, "720p", "preset pixwith-ray2-720p-5s"),
    ])
    func anUnsetResolutionIsSentExplicitlyAndChecksAgainstThePresetOfWhatIsSent(
        provider: ProviderKind, resolution: String, source: String
    ) throws {
        let chain = try Self.planner(provider).resolve(Self.plan(provider))
        for segment in chain.segments {
            #expect(segment.request.resolution == resolution)
            #expect(segment.expectations.source == source)
            #expect(segment.expectations.expectations.resolution?.label == resolution)
        }
    }

    @Test func piapiSendsNoResolutionAndIsCheckedAgainstTheWebAppsSizes() throws {
        let chain = try Self.planner(.piapi).resolve(Self.plan(.piapi))
        #expect(chain.segments.allSatisfy { $0.request.resolution == nil && $0.request.model == "ray-v2" })
        #expect(chain.segments[0].expectations.source == "preset piapi-ray2-5s")
        #expect(chain.segments[0].expectations.expectations.resolution?.typical == "1360x752")
    }

    @Test func pixwithContinuationsUseTheImageToVideoModelAndTextUsesTheTextModel() throws {
        let chain = try Self.planner(.pixwith).resolve(Self.plan(.pixwith))
        #expect(chain.segments[0].request.model == "2-4")
        #expect(chain.segments[1].start == .previousLastFrame)
        #expect(chain.segments[1].request.model == "3-4")
        #expect(chain.segments[2].request.model == "3-4")
    }

    @Test func aTextModelWithAStartImageIsRefused() {
        #expect(throws: PipelineError.self) {
            try Self.planner(.pixwith).resolve(Self.plan(.pixwith) { $0.model = "2-4" })
        }
    }

    @Test func kkiaiSendsTheAspectAndTakesThePortraitShape() throws {
        let chain = try Self.planner(.kkiai).resolve(Self.plan(.kkiai) { $0.aspectRatio = "9:16" })
        #expect(chain.segments.allSatisfy { $0.request.aspectRatio == "9:16" })
        #expect(chain.segments[0].expectations.expectations.resolution?.typical == "752x1360")
    }

    @Test func kkiaiTakesTheStartImagesShapeWhenNoAspectIsGiven() throws {
        let planner = ChainPlanner(
            profile: .kkiai, library: Self.library, hosting: .dataURI, imageSize: { _ in (864, 1152) })
        let image = FileManager.default.temporaryDirectory.appendingPathComponent("start-\(UUID()).png").path
        _ = FileManager.default.createFile(atPath: image, contents: Data([0]))
        defer { try? FileManager.default.removeItem(atPath: image) }
        let chain = try planner.resolve(Self.plan(.kkiai) { $0.startImage = image })
        #expect(chain.segments[0].request.aspectRatio == "3:4")
        #expect(chain.segments[0].start == .image(image))
        // A start image of another shape than the aspect asked for is refused: KKIAI would follow the image.
        #expect(throws: PipelineError.self) {
            try planner.resolve(Self.plan(.kkiai) { $0.startImage = image; $0.aspectRatio = "16:9" })
        }
    }

    static let invalidChains: [String: ChainPlan] = [
        "pixwith native": plan(.pixwith) { $0.mode = .native },
        "piapi native": plan(.piapi) { $0.mode = .native },
        "loop with an end image": plan(.luma) { $0.loop = true; $0.endImage = "https://example.com/end.png" },
        "piapi 10 s continuations": plan(.piapi) { $0.duration = 10 },
        "kkiai native loop": plan(.kkiai) { $0.mode = .native; $0.loop = true },
        "kkiai 9 s": plan(.kkiai) { $0.duration = 9 },
        "pixwith 1080p": plan(.pixwith) { $0.resolution = "1080p" },
        "pixwith end image without a start image, one segment": plan(.pixwith, segments: 1) { $0.endImage = "https://example.com/e.png" },
    ]

    @Test(arguments: invalidChains.keys.sorted())
    func anInvalidChainIsRefusedWhole(name: String) throws {
        let plan = try #require(Self.invalidChains[name])
        #expect(throws: PipelineError.self, "\(name)") { try Self.planner(plan.provider).resolve(plan) }
    }

    @Test func theRefusalNamesTheSegmentThatWouldFail() throws {
        let error = #expect(throws: PipelineError.self) {
            try Self.planner(.piapi).resolve(Self.plan(.piapi) { $0.duration = 10 })
        }
        #expect(error?.description.contains("segment 2 of 3") == true)
        #expect(error?.description.contains("nothing was submitted") == true)
    }

    @Test func aSingleTenSecondPiapiClipFromTextIsFine() throws {
        let chain = try Self.planner(.piapi).resolve(Self.plan(.piapi, segments: 1) { $0.duration = 10 })
        #expect(chain.segments[0].request.duration == 10)
        #expect(chain.segments[0].expectations.source == "preset piapi-ray2-10s")
    }

    @Test func aRequestNoPresetDescribesGetsExpectationsDerivedFromItself() throws {
        let chain = try Self.planner(.luma).resolve(Self.plan(.luma, segments: 1) { $0.aspectRatio = "21:9"; $0.model = "ray-flash-2" })
        let choice = chain.segments[0].expectations
        #expect(choice.source.hasPrefix("derived from the request"))
        #expect(choice.expectations.duration?.seconds == 5 + 1.0 / 24)
        #expect(choice.expectations.aspect?.anyOf == [Ratio(21, 9)])
        #expect(choice.expectations.resolution?.label == "720p")
    }

    @Test func lumaNativeExtendsCarryThePreviousTaskAndKeepTheirOwnShape() throws {
        let chain = try Self.planner(.luma).resolve(Self.plan(.luma) { $0.mode = .native })
        #expect(chain.segments[1].start == .nativeExtend)
        #expect(chain.segments[1].request.resolution == "720p")
        #expect(chain.segments[1].expectations.source == "preset luma-ray2-720p-5s")
    }

    @Test func aPresetForAnotherRequestIsRefused() {
        #expect(throws: PipelineError.self) {
            try Self.planner(.kkiai).resolve(Self.plan(.kkiai) { $0.preset = "kkiai-ray2-720p-5s"; $0.resolution = "1080p" })
        }
        #expect(throws: PipelineError.self) {
            try Self.planner(.kkiai).resolve(Self.plan(.kkiai) { $0.preset = "luma-ray2-720p-5s" })
        }
    }

    @Test func aPresetFillsWhatTheFlagsLeaveUnset() throws {
        let chain = try Self.planner(.kkiai).resolve(Self.plan(.kkiai) { $0.preset = "kkiai-ray2-1080p-5s" })
        #expect(chain.segments[0].request.resolution == "1080p")
        #expect(chain.segments[0].expectations.source == "preset kkiai-ray2-1080p-5s")
    }

    @Test func paidDifferencesIgnoreRetriesSeamsAndColour() {
        let a = Self.plan(.kkiai)
        var b = a
        b.maxRetries = 7
        b.seam = .keep
        b.colorMatch = .first
        #expect(a.paidDifferences(from: b).isEmpty)
        b.segments = 4
        b.prompts = ["a lighthouse"]
        #expect(a.paidDifferences(from: b).count == 2)
    }

    @Test func thePlanRoundTripsThroughTheJournalsJSON() throws {
        let plan = Self.plan(.luma) { $0.seam = .crossfade(seconds: 0.5); $0.colorMatch = .first; $0.resolution = "540p" }
        let decoded = try JSONDecoder().decode(ChainPlan.self, from: JSONEncoder().encode(plan))
        #expect(decoded == plan)
    }
}
