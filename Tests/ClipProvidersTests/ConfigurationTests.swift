import ClipProviders
import Foundation
import Testing

/// Base URL and key resolution: explicit, then environment, then config file, then default.
struct ConfigurationTests {
    func writeConfig(_ text: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("config.json")
        try Data(text.utf8).write(to: file)
        return file
    }

    var configFile: URL {
        get throws {
            try writeConfig(
                #"{"providers": {"piapi": {"apiKey": "file-key", "baseURL": "http://file.example", "uploadBaseURL": "http://upload.file.example"}}}"#
            )
        }
    }

    @Test func explicitValuesWinOverEnvironmentAndFile() throws {
        let c = try ProviderConfiguration.resolve(
            .piapi, apiKey: "flag-key", baseURL: "http://flag.example",
            environment: ["PIAPI_API_KEY": "env-key", "CLIPKIT_PIAPI_BASE_URL": "http://env.example"],
            configFile: configFile)
        #expect(c.apiKey == APIKey("flag-key"))
        #expect(c.baseURL.absoluteString == "http://flag.example")
        #expect(c.apiKeySource == .explicit)
        #expect(c.baseURLSource == .explicit)
    }

    @Test func environmentWinsOverTheFile() throws {
        let c = try ProviderConfiguration.resolve(
            .piapi, environment: ["PIAPI_API_KEY": "env-key", "CLIPKIT_PIAPI_BASE_URL": "http://env.example"],
            configFile: configFile)
        #expect(c.apiKey == APIKey("env-key"))
        #expect(c.baseURL.absoluteString == "http://env.example")
        #expect(c.apiKeySource == .environment("PIAPI_API_KEY"))
        #expect(c.uploadBaseURL?.absoluteString == "http://upload.file.example")
    }

    @Test func theFileIsUsedWhenNothingElseIsSet() throws {
        let file = try configFile
        let c = try ProviderConfiguration.resolve(.piapi, environment: [:], configFile: file)
        #expect(c.apiKey == APIKey("file-key"))
        #expect(c.baseURL.absoluteString == "http://file.example")
        #expect(c.apiKeySource == .configFile(file.path))
    }

    @Test func defaultsApplyWhenNothingIsConfigured() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("empty-home-\(UUID().uuidString)")
        let c = try ProviderConfiguration.resolve(.kkiai, environment: ["HOME": home.path])
        #expect(c.apiKey == nil)
        #expect(c.baseURL.absoluteString == "https://www.kkiai.com")
        #expect(c.baseURLSource == .builtInDefault)
        #expect(c.apiKeySource == .missing)
    }

    @Test func theConfigFileIsFoundThroughTheEnvironment() throws {
        let file = try configFile
        let c = try ProviderConfiguration.resolve(.piapi, environment: ["CLIPKIT_CONFIG": file.path])
        #expect(c.apiKey == APIKey("file-key"))
        let xdg = file.deletingLastPathComponent().deletingLastPathComponent()
        #expect(
            ProviderConfiguration.defaultConfigFile(environment: ["XDG_CONFIG_HOME": xdg.path]).path.hasSuffix(
                "clipkit/config.json"))
    }

    @Test func aMalformedFileIsAClearErrorWithoutItsContents() throws {
        let file = try writeConfig(#"{"providers": {"luma": {"apiKey": 12345678}}}"#)
        let error = #expect(throws: ConfigurationError.self) {
            try ProviderConfiguration.resolve(.luma, environment: [:], configFile: file)
        }
        #expect(error?.description.contains(file.path) == true)
        #expect(error?.description.contains("12345678") == false)
    }

    @Test func anExplicitMissingFileIsAnError() {
        #expect(throws: ConfigurationError.self) {
            try ProviderConfiguration.resolve(
                .luma, environment: [:], configFile: URL(fileURLWithPath: "/nonexistent/clipkit.json"))
        }
    }

    @Test func aNonHTTPBaseURLIsRefused() {
        let error = #expect(throws: ConfigurationError.self) {
            try ProviderConfiguration.resolve(
                .pixwith, environment: ["CLIPKIT_PIXWITH_BASE_URL": "ftp://x"], configFile: nil)
        }
        #expect(error?.description.contains("CLIPKIT_PIXWITH_BASE_URL") == true)
    }

    @Test func environmentVariableNamesFollowTheProvider() {
        #expect(ProviderKind.pixwith.apiKeyEnvironmentVariable == "PIXWITH_API_KEY")
        #expect(ProviderKind.luma.baseURLEnvironmentVariable == "CLIPKIT_LUMA_BASE_URL")
    }
}
