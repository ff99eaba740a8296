import Foundation
import HTTPTypes
import Hummingbird

/// Helpers every wire format shares: reading JSON bodies, checking keys, answering JSON.
enum WireSupport {
    /// The largest request body accepted (a Base64 image in KKIAI's `image_url` or a PiAPI upload).
    static let maximumBodyBytes = 32 * 1024 * 1024

    /// The request body parsed as a JSON object.
    /// - Throws: ``SandboxError`` when it is missing, not JSON or not an object.
    static func jsonObject(_ request: Request) async throws -> JSONValue {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: maximumBodyBytes)
        } catch {
            throw SandboxError.badRequest("the request body is larger than \(maximumBodyBytes) bytes")
        }
        let value = try JSONValue.parse(Data(buffer.readableBytesView))
        guard case .object = value else {
            throw SandboxError.badRequest("the request body must be a JSON object, got \(value.typeName)")
        }
        return value
    }

    /// The value of header `name`, if present.
    static func header(_ request: Request, _ name: String) -> String? {
        HTTPField.Name(name).flatMap { request.headers[$0] }
    }

    /// The token of `Authorization: Bearer <token>`.
    static func bearerToken(_ request: Request) -> String? {
        guard let value = header(request, "Authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    /// Whether `given` equals `expected`, compared in constant time for equal lengths.
    static func keyMatches(_ given: String?, _ expected: String) -> Bool {
        guard let given else { return false }
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response
    {
        var headers = extra
        headers[.contentType] = "application/json"
        let data = value.serialized()
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `Retry-After` for a rate-limit error, empty otherwise.
    static func retryHeaders(for error: SandboxError) -> HTTPFields {
        var headers = HTTPFields()
        if let seconds = error.retryAfterSeconds { headers[.retryAfter] = String(seconds) }
        return headers
    }

    /// ISO 8601 with fractional seconds, as the providers write timestamps.
    static func timestamp(_ date: Date?) -> JSONValue {
        guard let date else { return .null }
        return .string(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
    }

    // MARK: Field readers that name the field and what it accepts

    static func string(_ body: JSONValue, _ key: String, required: Bool = false, path: String? = nil) throws -> String?
    {
        let name = path ?? key
        guard let value = body[key], !value.isNull else {
            if required { throw SandboxError.badRequest("\(name) is required") }
            return nil
        }
        guard let string = value.stringValue else {
            throw SandboxError.badRequest("\(name) must be a string, got \(value.typeName)")
        }
        return string
    }

    static func bool(_ body: JSONValue, _ key: String, path: String? = nil) throws -> Bool? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let bool = value.boolValue else {
            throw SandboxError.badRequest("\(path ?? key) must be a boolean, got \(value.typeName)")
        }
        return bool
    }

    static func oneOf(_ value: String, _ allowed: [String], field: String) throws -> String {
        guard allowed.contains(value) else {
            throw SandboxError.badRequest("\(field) must be one of \(allowed.joined(separator: ", ")); got '\(value)'")
        }
        return value
    }

    /// A keyframe object `{type: "image", url}` or `{type: "generation", id}`, as Luma's and PiAPI's
    /// create bodies carry them. A generation must be a completed task of the same provider.
    /// - Parameter unusable: the provider's message for an id that is unknown (false) or not completed (true).
    static func keyframe(
        _ value: JSONValue?, field: String, provider: SandboxProvider, engine: SandboxEngine,
        unusable: (_ id: String, _ exists: Bool) -> String
    ) async throws -> GenerationSpec.Keyframe? {
        guard let value, !value.isNull else { return nil }
        guard value.objectValue != nil else {
            throw SandboxError.badRequest("\(field) must be an object {type, url|id}")
        }
        let type = try oneOf(
            try string(value, "type", required: true, path: "\(field).type")!, ["image", "generation"],
            field: "\(field).type")
        if type == "image" {
            guard let url = try string(value, "url", path: "\(field).url"), !url.isEmpty else {
                throw SandboxError.badRequest("\(field).url is required for type image")
            }
            return .image(url)
        }
        guard let id = try string(value, "id", path: "\(field).id"), !id.isEmpty else {
            throw SandboxError.badRequest("\(field).id is required for type generation")
        }
        guard let source = await engine.store.task(id, provider: provider) else {
            throw SandboxError.badRequest(unusable(id, false))
        }
        guard source.state == .succeeded else { throw SandboxError.badRequest(unusable(id, true)) }
        return .generation(id: id)
    }
}
