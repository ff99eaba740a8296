import ClipProviders
import Foundation
import Testing

/// Poll answers (recorded samples) become snapshots with the right state and URLs, un-watermarked first.
struct SnapshotParsingTests {
    func fetch(_ kind: ProviderKind, sample: String, id: String = "task-1") async throws -> TaskSnapshot {
        let transport = ScriptedTransport(status: 200, json: try Samples.data(sample))
        let client = ProviderClients.make(
            ProviderConfiguration(kind: kind, apiKey: APIKey("test-key")),
            options: ProviderClientOptions(transport: transport, retryPolicy: .none))
        return try await client.fetch(taskID: id)
    }

    @Test func piapiCompletedDialectBPrefersTheRawVideo() async throws {
        let s = try await fetch(.piapi, sample: "piapi/task-completed-dialect-b.json")
        #expect(s.state == .succeeded)
        #expect(s.taskID == "c42f6ec7-36cd-45a3-981c-826b6d101f58")
        #expect(s.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/3f1c/ab12.mp4")
        #expect(
            s.watermarkedVideoURL?.absoluteString
                == "https://storage.cdn-luma.com/dream-machine/3f1c/ab12_watermarked.mp4")
        #expect(s.thumbnailURL?.absoluteString == "https://imagedelivery.net/Qx9/ab12_thumb/public")
        #expect(s.lastFrameURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/3f1c/ab12_last_frame.jpg")
        #expect(s.width == 1152)
        #expect(s.height == 864)
    }

    @Test func piapiUnknownOutputShapeFallsBackToAnyMP4() async throws {
        let s = try await fetch(.piapi, sample: "piapi/task-completed-unknown-shape.json")
        #expect(s.state == .succeeded)
        #expect(s.videoURL?.absoluteString == "https://img.theapi.app/temp/clip1.mp4")
    }

    @Test(arguments: [
        ("piapi/task-pending.json", TaskState.queued), ("piapi/task-staged.json", .queued),
        ("piapi/task-processing.json", .running), ("piapi/task-cancelled.json", .cancelled),
        ("piapi/create-response.json", .queued),
    ])
    func piapiStatusesAreRead(sample: String, expected: TaskState) async throws {
        let s = try await fetch(.piapi, sample: sample)
        #expect(s.state == expected)
        #expect(s.videoURL == nil)
    }

    @Test func piapiFailureCarriesTheErrorMessage() async throws {
        let s = try await fetch(.piapi, sample: "piapi/task-failed.json")
        #expect(s.state == .failed(reason: "Advanced prompt moderation failed"))
    }

    @Test func piapiEnvelopeErrorBecomesAnAPIError() async throws {
        let error = await #expect(throws: ProviderError.self) {
            try await fetch(.piapi, sample: "piapi/error-envelope.json")
        }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("duration must be 5 or 10") == true)
    }

    @Test func kkiaiCompletedLumaFamilyPrefersVideoRaw() async throws {
        let s = try await fetch(.kkiai, sample: "kkiai/task-completed.json")
        #expect(s.state == .succeeded)
        #expect(s.taskID == "4665a07c-7641-4809-a133-10786201bb56")
        #expect(s.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/4665/video_0.mp4")
        #expect(
            s.watermarkedVideoURL?.absoluteString
                == "https://storage.cdn-luma.com/dream-machine/4665/video_0_watermarked.mp4")
        #expect(
            s.lastFrameURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/4665/video_0_last_frame.jpg")
        #expect(s.thumbnailURL?.absoluteString == "https://imagedelivery.net/Qx9/4665_thumb/public")
        #expect(s.width == 1360)
        #expect(s.height == 752)
    }

    @Test func kkiaiFallsBackToTheArtifactsRawVideo() async throws {
        let s = try await fetch(.kkiai, sample: "kkiai/task-artifact-only.json")
        #expect(s.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/77aa/v.mp4")
        #expect(s.width == 1152)
    }

    @Test func kkiaiReadsTheRelayFamily() async throws {
        let running = try await fetch(.kkiai, sample: "kkiai/task-relay-in-progress.json")
        #expect(running.state == .running)
        #expect(running.taskID == "luma-91b2")
        let done = try await fetch(.kkiai, sample: "kkiai/task-relay-success.json")
        #expect(done.state == .succeeded)
        #expect(done.taskID == "luma-91b2")
        #expect(done.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/91b2/v.mp4")
    }

    @Test func kkiaiFailureAndProcessing() async throws {
        #expect(
            try await fetch(.kkiai, sample: "kkiai/task-failed.json").state
                == .failed(reason: "Failed to read user input frames"))
        #expect(try await fetch(.kkiai, sample: "kkiai/task-processing.json").state == .running)
        #expect(try await fetch(.kkiai, sample: "kkiai/create-response-luma.json").state == .queued)
        #expect(try await fetch(.kkiai, sample: "kkiai/create-response-envelope.json").state == .queued)
    }

    @Test func kkiaiEnvelopeWithoutTaskIsAnError() async throws {
        let error = await #expect(throws: ProviderError.self) {
            try await fetch(.kkiai, sample: "kkiai/error-envelope.json")
        }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("invalid token") == true)
    }

    @Test(arguments: [
        ("pixwith/task-processing.json", TaskState.running), ("pixwith/task-completed.json", .succeeded),
        ("pixwith/task-failed.json", .failed(reason: "Content moderation failed")),
    ])
    func pixwithStatusesAreRead(sample: String, expected: TaskState) async throws {
        #expect(try await fetch(.pixwith, sample: sample).state == expected)
    }

    @Test func pixwithVideoIsTheFirstResultURL() async throws {
        let s = try await fetch(.pixwith, sample: "pixwith/task-completed.json")
        #expect(s.videoURL?.absoluteString == "https://cdn.pixwith.ai/videos/d425ab4dc256f0ebaa84862b9cea8a3d.mp4")
        #expect(s.thumbnailURL == nil)
        #expect(s.lastFrameURL == nil)
    }

    @Test func pixwithCode2IsAnAuthenticationFailure() async throws {
        let error = await #expect(throws: ProviderError.self) {
            try await fetch(.pixwith, sample: "pixwith/auth-error.json")
        }
        #expect(error?.kind == .authentication)
        let other = await #expect(throws: ProviderError.self) {
            try await fetch(.pixwith, sample: "pixwith/error.json")
        }
        #expect(other?.kind == .apiError)
        #expect(other?.description.contains("Insufficient credits") == true)
    }

    @Test(arguments: [
        ("luma/generation-queued.json", TaskState.queued), ("luma/generation-dreaming.json", .running),
        ("luma/generation-completed.json", .succeeded),
        ("luma/generation-failed.json", .failed(reason: "Advanced prompt moderation failed")),
    ])
    func lumaStatesAreRead(sample: String, expected: TaskState) async throws {
        #expect(try await fetch(.luma, sample: sample).state == expected)
    }

    @Test func lumaVideoIsAssetsVideo() async throws {
        let s = try await fetch(.luma, sample: "luma/generation-completed.json")
        #expect(s.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream_machine/d1968551/video.mp4")
        #expect(s.thumbnailURL?.absoluteString == "https://storage.cdn-luma.com/dream_machine/d1968551/thumb.jpg")
    }

    @Test func snapshotEncodesRawAsEmbeddedJSONAndRoundTrips() async throws {
        let s = try await fetch(.luma, sample: "luma/generation-completed.json")
        let encoded = try JSONEncoder().encode(s)
        let json = try JSONValue.parse(encoded)
        #expect(json.string(at: "raw.state") == "completed")
        let decoded = try JSONDecoder().decode(TaskSnapshot.self, from: encoded)
        #expect(decoded.videoURL == s.videoURL)
        #expect(decoded.state == s.state)
        #expect(try JSONValue.parse(decoded.raw) == (try JSONValue.parse(s.raw)))
    }

    func piapiOutput(_ output: String) async throws -> TaskSnapshot {
        let body =
            #"{"code": 200, "message": "success", "data": {"task_id": "t", "status": "completed", "output": "#
            + output + "}}"
        let client = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: ScriptedTransport(status: 200, json: Data(body.utf8))))
        return try await client.fetch(taskID: "t")
    }

    @Test(arguments: [
        (
            #"{"video": {"url": "https://c.example/w.mp4"}, "video_raw": {"url": "https://c.example/r.mp4"}}"#,
            "https://c.example/r.mp4"
        ),
        (
            #"{"video": {"url": "https://c.example/w.mp4"}, "video_url": "https://c.example/u.mp4"}"#,
            "https://c.example/w.mp4"
        ),
        (#"{"video_url": "https://c.example/u.mp4", "other": "https://c.example/x.mp4"}"#, "https://c.example/u.mp4"),
        (
            #"{"generation": {"id": "g", "state": "completed", "video": {"url": "https://c.example/g.mp4"}}}"#,
            "https://c.example/g.mp4"
        ),
        (
            #"{"a": ["https://c.example/p.png", {"b": "https://c.example/x_watermarked.mp4"}, "https://c.example/y.mp4"]}"#,
            "https://c.example/y.mp4"
        ),
        (#"{"video_raw": {"url": ""}, "video": {"url": "https://c.example/w.mp4"}}"#, "https://c.example/w.mp4"),
    ])
    func piapiVideoURLOrder(output: String, expected: String) async throws {
        #expect(try await piapiOutput(output).videoURL?.absoluteString == expected)
    }

    @Test func kkiaiFallsBackToTheDownloadURL() async throws {
        let body =
            #"{"id": "k", "state": "completed", "video": {"download_url": "https://r2.example/k.mp4?X-Amz-Expires=3600"}}"#
        let client = KKIAIClient(
            configuration: ProviderConfiguration(kind: .kkiai, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: ScriptedTransport(status: 200, json: Data(body.utf8))))
        let s = try await client.fetch(taskID: "k")
        #expect(s.videoURL?.absoluteString == "https://r2.example/k.mp4?X-Amz-Expires=3600")
        #expect(s.watermarkedVideoURL == nil)
    }

    // MARK: KKIAI code/data family

    @Test func kkiaiEnvelopeFamilySucceedReadsTheResultVideo() async throws {
        let s = try await fetch(.kkiai, sample: "kkiai/task-envelope-succeed.json")
        #expect(s.state == .succeeded)
        #expect(s.taskID == "4665a07c-7641-4809-a133-10786201bb56")
        #expect(s.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/4665/video_0.mp4")
        #expect(s.cost == nil)
    }

    @Test func kkiaiEnvelopeFamilyFailureCarriesTaskStatusMsg() async throws {
        let s = try await fetch(.kkiai, sample: "kkiai/task-envelope-failed.json")
        #expect(s.state == .failed(reason: "Failed to read user input frames"))
        #expect(s.videoURL == nil)
    }

    @Test func kkiaiEnvelopeFamilyProcessingIsRunning() async throws {
        let s = try await fetch(.kkiai, sample: "kkiai/task-envelope-processing.json")
        #expect(s.state == .running)
        #expect(s.videoURL == nil)
    }

    @Test func kkiaiSearchesTheWholeAnswerForTheVideoAsALastResort() async throws {
        let s = try await fetch(.kkiai, sample: "kkiai/task-envelope-unknown-shape.json")
        #expect(s.state == .succeeded)
        #expect(s.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/4665/out.mp4")
    }

    func kkiai(_ body: String) async throws -> TaskSnapshot {
        let client = KKIAIClient(
            configuration: ProviderConfiguration(kind: .kkiai, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: ScriptedTransport(status: 200, json: Data(body.utf8))))
        return try await client.fetch(taskID: "k")
    }

    @Test func kkiaiLastResortTakesAURLUnderAVideoNamedKeyEvenWithoutMP4() async throws {
        let s = try await kkiai(
            #"{"id": "k", "state": "completed", "result": {"thumb": "https://c.example/t.jpg", "video_link": "https://c.example/stream/k?sig=1"}}"#
        )
        #expect(s.videoURL?.absoluteString == "https://c.example/stream/k?sig=1")
    }

    @Test func kkiaiLastResortIgnoresImagesAndUnfinishedTasks() async throws {
        let images = try await kkiai(
            #"{"id": "k", "state": "completed", "request": {"image_url": "https://c.example/start.png"}, "video_cover": "https://c.example/cover.jpg"}"#
        )
        #expect(images.state == .succeeded)
        #expect(images.videoURL == nil)
        let running = try await kkiai(
            #"{"id": "k", "state": "processing", "partial": "https://c.example/partial.mp4"}"#)
        #expect(running.videoURL == nil)
    }

    @Test func kkiaiLastResortNeverTakesTheClipARequestEchoes() async throws {
        let both = try await kkiai(
            #"{"id": "k", "state": "completed", "request": {"source_video": "https://c.example/previous.mp4"}, "output": ["https://c.example/next.mp4"]}"#
        )
        #expect(both.videoURL?.absoluteString == "https://c.example/next.mp4")
        let echoOnly = try await kkiai(
            #"{"id": "k", "state": "completed", "input": {"video": {"url": "https://c.example/previous.mp4"}}}"#)
        #expect(echoOnly.videoURL == nil)
    }

    // MARK: Pixwith failure text

    func pixwith(_ body: String) async throws -> TaskSnapshot {
        let client = PixwithClient(
            configuration: ProviderConfiguration(kind: .pixwith, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: ScriptedTransport(status: 200, json: Data(body.utf8))))
        return try await client.fetch(taskID: "p")
    }

    @Test func pixwithFailureWithoutAReasonFallsBackToTheEnvelopeMessage() async throws {
        let s = try await pixwith(
            #"{"code": 1, "message": "Image could not be downloaded", "data": {"task_id": "p", "status": 3, "result_urls": []}}"#
        )
        #expect(s.state == .failed(reason: "Image could not be downloaded"))
    }

    @Test func pixwithFailureReasonInDataWinsAndASuccessMessageIsNoReason() async throws {
        let withReason = try await pixwith(
            #"{"code": 1, "message": "Image could not be downloaded", "data": {"task_id": "p", "status": 3, "error": "Content moderation failed"}}"#
        )
        #expect(withReason.state == .failed(reason: "Content moderation failed"))
        let bare = try await pixwith(#"{"code": 1, "message": "success", "data": {"task_id": "p", "status": 3}}"#)
        #expect(bare.state == .failed(reason: ""))
    }

    // MARK: Cost

    @Test func piapiCostIsConsumeInTheUsageTypeUnit() async throws {
        let s = try await piapiOutputWithMeta(#"{"usage": {"type": "point", "frozen": 0, "consume": 1500000}}"#)
        #expect(s.cost == TaskCost(amount: 1_500_000, unit: "point"))
        let none = try await piapiOutputWithMeta(#"{"created_at": "2026-02-16T14:29:38Z"}"#)
        #expect(none.cost == nil)
    }

    func piapiOutputWithMeta(_ meta: String) async throws -> TaskSnapshot {
        let body =
            #"{"code": 200, "message": "success", "data": {"task_id": "t", "status": "completed", "output": null, "meta": "#
            + meta + "}}"
        let client = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: ScriptedTransport(status: 200, json: Data(body.utf8))))
        return try await client.fetch(taskID: "t")
    }

    @Test(arguments: [
        (ProviderKind.luma, "luma/generation-completed.json"), (.kkiai, "kkiai/task-completed.json"),
        (.pixwith, "pixwith/task-completed.json"),
    ])
    func providersThatStateNoPerTaskCostReportNone(kind: ProviderKind, sample: String) async throws {
        #expect(try await fetch(kind, sample: sample).cost == nil)
    }

    @Test func costSurvivesTheSnapshotsCodableRoundTrip() async throws {
        let s = try await fetch(.piapi, sample: "piapi/create-response.json")
        let decoded = try JSONDecoder().decode(TaskSnapshot.self, from: JSONEncoder().encode(s))
        #expect(decoded.cost == TaskCost(amount: 2_000_000, unit: "llm"))
        // Snapshots written before cost existed still decode.
        let old = try JSONDecoder().decode(
            TaskSnapshot.self, from: Data(#"{"taskID": "t", "state": {"queued": {}}, "raw": {}}"#.utf8))
        #expect(old.cost == nil)
    }
}
