import ClipProviders
import Foundation
import Testing

/// Errors read as one line naming the provider and what failed, and match by kind.
struct ProviderErrorTests {
    static let all: [ProviderError] = [
        .invalidRequest(field: "duration", value: "9 s", accepted: "5 or 10 s", provider: .piapi),
        .httpStatus(502, bodySnippet: "bad gateway", provider: .kkiai),
        .apiError(code: "0", message: "Insufficient credits", provider: .pixwith),
        .taskFailed(reason: "Frame moderation failed", provider: .luma),
        .cancelled(taskID: "t1", provider: .piapi),
        .pollTimeout(taskID: "t1", waited: .seconds(1200), provider: .kkiai),
        .authentication("HTTP 401", provider: .luma),
        .rateLimited(retryAfter: .seconds(30), provider: .piapi),
        .decoding("task answer", detail: "missing data.task_id", provider: .piapi),
        .transport("could not connect", provider: .pixwith),
        .mayHaveBeenSubmitted("timed out waiting for the answer", provider: .luma),
        .unsupported("cancelling tasks", provider: .pixwith),
    ]

    @Test func everyDescriptionIsOneLineNamingTheProvider() {
        for error in Self.all {
            let text = error.description
            #expect(!text.contains("\n"))
            #expect(
                text.hasPrefix(error.provider!.displayName) || text.contains(error.provider!.displayName), "\(text)")
        }
        #expect(Set(Self.all.map(\.kind)).count == Self.all.count)
    }

    @Test func descriptionsSayWhatToDo() {
        #expect(Self.all[0].description == "PiAPI does not accept duration 9 s (accepted: 5 or 10 s)")
        #expect(Self.all[7].description == "PiAPI is rate limiting requests; retry after 30 s")
        #expect(Self.all[10].description.contains("not resubmitting automatically"))
        #expect(Self.all[5].description == "KKIAI task t1 did not finish within 1200 s")
    }

    @Test func onlyNetworkAndServerTroubleIsTransient() {
        let transient = Self.all.filter(\.isTransient).map(\.kind)
        #expect(transient == [.httpStatus, .rateLimited, .transport])
        #expect(!ProviderError.httpStatus(404, bodySnippet: "").isTransient)
    }

    @Test func kindsMatchInPatterns() {
        let error: any Error = ProviderError.taskFailed(reason: "x")
        #expect(ProviderError.Kind.taskFailed ~= error)
        #expect(!(ProviderError.Kind.transport ~= error))
    }

    @Test func piapiRefusesUploadsItWouldReject() async throws {
        let transport = ScriptedTransport([])
        let client = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: transport))
        let gif = await #expect(throws: ProviderError.self) {
            try await client.uploadImage(Data([1]), fileName: "a.gif")
        }
        #expect(gif?.field == "upload file name")
        let big = await #expect(throws: ProviderError.self) {
            try await client.uploadImage(Data(count: PiAPIClient.maximumUploadBytes + 1), fileName: "a.png")
        }
        #expect(big?.field == "upload size")
        #expect(transport.requests.isEmpty)
    }

    @Test func piapiCancelOfAProcessingTaskReportsTheEnvelopeError() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.response(200, #"{"code": 400, "message": "task is processing and cannot be cancelled"}"#)
        ])
        let client = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: transport, retryPolicy: .none))
        let error = await #expect(throws: ProviderError.self) { try await client.cancel(taskID: "t1") }
        #expect(error?.kind == .apiError)
        #expect(error?.description == "PiAPI reported error 400: task is processing and cannot be cancelled")
        #expect(transport.requests.first?.method == .DELETE)
    }
}
