/// The four wire formats the sandbox speaks, all on one port (their paths do not collide).
public enum SandboxProvider: String, Sendable, Codable, CaseIterable, Hashable {
    /// PiAPI: `x-api-key`, `POST /api/v1/task`, `GET|DELETE /api/v1/task/{id}`, `POST /api/ephemeral_resource`.
    case piapi
    /// KKIAI: Bearer, `POST /luma/generations`, `GET /luma/generations/{id}`, `POST /luma/generations/{id}/extend`.
    case kkiai
    /// Pixwith: `Api-Key`, `POST /api/task/create`, `POST /api/task/get`.
    case pixwith
    /// Luma Dream Machine: Bearer, `POST /dream-machine/v1/generations[/video]`, `GET /dream-machine/v1/generations/{id}`.
    case luma

    /// The variable the CLI prints so clients find the sandbox: `CLIPKIT_PIAPI_BASE_URL` ...
    public var baseURLEnvironmentVariable: String { "CLIPKIT_\(rawValue.uppercased())_BASE_URL" }

    /// The variable clients read the key from: `PIAPI_API_KEY` ...
    public var apiKeyEnvironmentVariable: String { "\(rawValue.uppercased())_API_KEY" }
}
