import AsyncHTTPClient
import ClipMedia
import ClipTestSupport
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import ClipSandbox

/// One HTTP answer, with its body parsed as JSON when it is JSON.
struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var data: Data

    var json: JSONValue { (try? JSONValue.parse(data)) ?? .null }
    var text: String { String(decoding: data, as: UTF8.self) }
}

/// A tiny client for the sandbox's routes (loopback only).
struct SandboxClient {
    let baseURL: String
    var downloadDirectory = FileManager.default.temporaryDirectory
    var key = SandboxConfiguration.defaultAPIKey

    func send(
        _ method: HTTPMethod, _ pathOrURL: String, headers: [(String, String)] = [], json: JSONValue? = nil,
        body: Data? = nil
    ) async throws -> TestResponse {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : baseURL + pathOrURL
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json.serialized()))
        } else if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return TestResponse(status: Int(response.status.code), headers: response.headers, data: Data(buffer: buffer))
    }

    // Provider-flavoured helpers, each with the right key header.
    var piapi: [(String, String)] { [("x-api-key", key)] }
    var bearer: [(String, String)] { [("Authorization", "Bearer \(key)")] }
    var pixwith: [(String, String)] { [("Api-Key", key)] }

    /// Polls `poll` until `isDone` says so (at most `attempts` times, 50 ms apart); returns the last answer.
    func poll(attempts: Int = 1200, _ poll: () async throws -> TestResponse, until isDone: (TestResponse) -> Bool)
        async throws -> TestResponse
    {
        var last = try await poll()
        for _ in 0..<attempts where !isDone(last) {
            try await Task.sleep(for: .milliseconds(50))
            last = try await poll()
        }
        return last
    }

    func piapiTask(_ id: String) async throws -> TestResponse {
        try await poll(
            { try await send(.GET, "/api/v1/task/\(id)", headers: piapi) },
            until: { ["completed", "failed", "cancelled"].contains($0.json["data"]?["status"]?.stringValue ?? "") })
    }

    func kkiaiTask(_ id: String) async throws -> TestResponse {
        try await poll(
            { try await send(.GET, "/luma/generations/\(id)", headers: bearer) },
            until: { ["completed", "failed"].contains($0.json["state"]?.stringValue ?? "") })
    }

    func lumaGeneration(_ id: String) async throws -> TestResponse {
        try await poll(
            { try await send(.GET, "/dream-machine/v1/generations/\(id)", headers: bearer) },
            until: { ["completed", "failed"].contains($0.json["state"]?.stringValue ?? "") })
    }

    func pixwithTask(_ id: String) async throws -> TestResponse {
        try await poll(
            { try await send(.POST, "/api/task/get", headers: pixwith, json: ["task_id": .string(id)]) },
            until: { ($0.json["data"]?["status"]?.intValue ?? 1) != 1 })
    }

    /// Downloads `url` to a temporary file and returns its path.
    func download(_ url: String) async throws -> String {
        let response = try await send(.GET, url)
        #expect(response.status == 200, "download of \(url) answered \(response.status): \(response.text)")
        let path = downloadDirectory.appendingPathComponent("\(UUID().uuidString).mp4").path
        try response.data.write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// Starts a sandbox for one test and stops it afterwards (which removes its storage), along with the
/// client's download directory.
func withSandbox<T>(
    _ configuration: SandboxConfiguration = .forTesting(), _ body: (SandboxServer, SandboxClient) async throws -> T
) async throws -> T {
    let server = try await SandboxServer.start(configuration)
    let downloads = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: downloads) }
    do {
        let result = try await body(server, SandboxClient(baseURL: server.baseURL, downloadDirectory: downloads))
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

/// Images with smooth structure (so scaling and H.264 keep PSNR high) and distinct colours per seed.
enum TestImages {
    static func pattern(width: Int, height: Int, seed: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8((x * 255 / max(1, width - 1) + seed * 40) % 256)
                pixels[i + 1] = UInt8((y * 255 / max(1, height - 1) + seed * 90) % 256)
                let dx = x - width / 2
                let dy = y - height / 2
                pixels[i + 2] =
                    (dx * dx + dy * dy) < (min(width, height) * min(width, height) / 9)
                    ? UInt8((200 + seed * 20) % 256) : 60
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func dataURI(_ image: RGBImage) throws -> String {
        "data:image/png;base64," + (try ImageCodec.encode(image, as: .png)).base64EncodedString()
    }

    static func sha256(_ image: RGBImage) -> String { SandboxEngine.pixelDigest(image) }
}

/// The ffmpeg/ffprobe CLIs as an independent oracle for rendered clips (tests only).
enum MediaOracle {
    struct Probe {
        var width: Int
        var height: Int
        var frames: Int
        var codec: String
        var frameRate: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        try ChildProcess.runBlocking(executable, arguments).stdoutData
    }

    static func probe(_ path: String) throws -> Probe {
        let data = try run(
            "/usr/bin/ffprobe",
            [
                "-v", "error", "-select_streams", "v:0", "-count_frames",
                "-show_entries", "stream=width,height,nb_read_frames,codec_name,r_frame_rate", "-of", "json", path,
            ])
        let stream = try #require(JSONValue.parse(data)["streams"]?.arrayValue?.first)
        return Probe(
            width: stream["width"]?.intValue ?? 0, height: stream["height"]?.intValue ?? 0,
            frames: Int(stream["nb_read_frames"]?.stringValue ?? "") ?? 0,
            codec: stream["codec_name"]?.stringValue ?? "", frameRate: stream["r_frame_rate"]?.stringValue ?? ""
        )
    }

    /// Every decoded frame as RGB24.
    static func frames(_ path: String, width: Int, height: Int) throws -> [[UInt8]] {
        let data = try run("/usr/bin/ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let size = width * height * 3
        return stride(from: 0, to: data.count - size + 1, by: size).map { Array(data[$0..<($0 + size)]) }
    }

    static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
        precondition(a.count == b.count)
        var sum = 0.0
        for i in a.indices {
            let d = Double(a[i]) - Double(b[i])
            sum += d * d
        }
        let mse = sum / Double(a.count)
        return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
