import ClipProviders
import Foundation
import Testing

/// Local images become data URIs, and each provider has an explicit default way to receive them.
struct LocalImageTests {
    @Test func theDefaultDeliveryFollowsTheCapabilities() {
        let options = ProviderClientOptions(transport: ScriptedTransport([]))
        func caps(_ kind: ProviderKind) -> ProviderCapabilities {
            ProviderClients.make(ProviderConfiguration(kind: kind), options: options).capabilities
        }
        #expect(caps(.kkiai).defaultLocalImageDelivery == .dataURI)
        #expect(caps(.piapi).defaultLocalImageDelivery == .providerUpload)
        #expect(caps(.luma).defaultLocalImageDelivery == .publicURL)
        #expect(caps(.pixwith).defaultLocalImageDelivery == .publicURL)
        #expect(caps(.piapi).localImageDeliveries == [.providerUpload, .publicURL])
    }

    @Test func imageTypesAreSniffedFromTheirSignature() {
        #expect(
            ImageSource.mimeType(ofImageData: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0])) == "image/png")
        #expect(ImageSource.mimeType(ofImageData: Data([0xFF, 0xD8, 0xFF, 0xE0])) == "image/jpeg")
        #expect(ImageSource.mimeType(ofImageData: Data("RIFF\0\0\0\0WEBPVP8 ".utf8)) == "image/webp")
        #expect(ImageSource.mimeType(ofImageData: Data("GIF89a".utf8)) == nil)
    }

    @Test func aLocalFileBecomesADataURI() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("frame-\(UUID().uuidString).png")
        let bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        try bytes.write(to: file)
        #expect(
            try ImageSource.dataURI(contentsOf: file)
                == .dataURI("data:image/png;base64," + bytes.base64EncodedString()))
    }

    @Test func aNonImageFileIsAClearError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("notes-\(UUID().uuidString).txt")
        try Data("hello".utf8).write(to: file)
        let error = #expect(throws: ProviderError.self) { try ImageSource.dataURI(contentsOf: file) }
        #expect(error?.description.contains("not PNG, JPEG or WebP") == true)
        let missing = #expect(throws: ProviderError.self) {
            try ImageSource.dataURI(contentsOf: URL(fileURLWithPath: "/nonexistent/a.png"))
        }
        #expect(missing?.kind == .invalidRequest)
    }
}
