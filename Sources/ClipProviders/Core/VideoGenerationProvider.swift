import Foundation

/// A client for one video-generation service.
///
/// Implementations are value types holding their configuration and an ``HTTPTransport``; tests substitute
/// a scripted transport or a local fake server. A typical run:
/// ```swift
/// try provider.validate(request)                 // before any money is spent
/// let id = try await provider.submit(request)    // never retried blindly once it may have arrived
/// let done = try await TaskPoller().waitForCompletion(of: id, on: provider)
/// ```
public protocol VideoGenerationProvider: Sendable {
    /// Which service this client speaks to.
    var kind: ProviderKind { get }
    /// What the service accepts and offers.
    var capabilities: ProviderCapabilities { get }

    /// Checks a request against what the provider accepts, without any network access.
    /// - Throws: ``ProviderError`` of kind ``ProviderError/Kind/invalidRequest`` naming the field, the
    ///   value and the accepted values.
    func validate(_ request: GenerationRequest) throws

    /// The exact JSON body the create call would send (validated first). Exposed for tests and `--dry-run`.
    func createBody(for request: GenerationRequest) throws -> Data

    /// Validates and submits a request.
    /// - Returns: the provider's task id.
    /// - Throws: ``ProviderError``; ``ProviderError/Kind/mayHaveBeenSubmitted`` when the request may have
    ///   created a task whose id we never learnt.
    func submit(_ request: GenerationRequest) async throws -> String

    /// Fetches the task's current state.
    func fetch(taskID: String) async throws -> TaskSnapshot

    /// Cancels a task, where the provider allows it.
    /// - Throws: ``ProviderError/Kind/unsupported`` where the provider has no cancel operation.
    func cancel(taskID: String) async throws

    /// Uploads an image to the provider's own storage and returns a URL the provider can read.
    /// - Throws: ``ProviderError/Kind/unsupported`` where the provider has no upload endpoint.
    func uploadImage(_ data: Data, fileName: String) async throws -> URL

    /// Searches the provider's recent tasks for the one a create request made, when that request's answer
    /// was lost (the process died, the connection dropped): the tasks created since `since` whose echoed
    /// request matches `request`.
    func findSubmittedTask(for request: GenerationRequest, since: Date) async throws -> TaskLookup
}

/// What a search of a provider's recent tasks found for a create request whose answer was lost.
public enum TaskLookup: Sendable, Hashable {
    /// Exactly one task matches: adopt it.
    case found(taskID: String)
    /// The provider lists its tasks and none matches: the request did not create a task.
    case notFound
    /// Several tasks match: a person must choose.
    case ambiguous(taskIDs: [String])
    /// The provider cannot list its tasks.
    case unsupported
}

extension VideoGenerationProvider {
    public func cancel(taskID: String) async throws {
        throw ProviderError.unsupported("cancelling tasks", provider: kind)
    }

    public func uploadImage(_ data: Data, fileName: String) async throws -> URL {
        throw ProviderError.unsupported("uploading images", provider: kind)
    }

    public func findSubmittedTask(for request: GenerationRequest, since: Date) async throws -> TaskLookup {
        .unsupported
    }
}
