import ClipMedia
import ClipTestSupport
import Foundation
import Testing

struct ThumbHashTests {
    @Test(arguments: [(100, 56), (56, 100), (80, 80), (100, 43)])
    func placeholderDecodesToTheOriginalAspect(width: Int, height: Int) throws {
        let picture = FixtureFactory.gradient(width: width, height: height)
        let hash = try ThumbHash.encode(picture)
        let placeholder = try ThumbHash.decode(hash)
        let original = Double(width) / Double(height)
        let decoded = Double(placeholder.width) / Double(placeholder.height)
        // ThumbHash keeps the aspect to about one part in seven.
        #expect(abs(log(decoded / original)) < 0.2)
        #expect(abs(ThumbHash.approximateAspectRatio(hash) - original) / original < 0.2)
        #expect(max(placeholder.width, placeholder.height) == 32)
    }

    @Test func placeholderKeepsTheAverageColour() throws {
        let picture = RGBImage(width: 64, height: 36, red: 200, green: 60, blue: 30)
        let placeholder = try ThumbHash.decode(try ThumbHash.encode(picture))
        let mean = placeholder.meanColor
        #expect(abs(mean.red - 200) < 12 && abs(mean.green - 60) < 12 && abs(mean.blue - 30) < 12)
    }

    @Test func hashIsCompact() throws {
        let hash = try ThumbHash.encode(FixtureFactory.pattern(index: 77, width: 100, height: 56))
        #expect(hash.count <= 25)
        #expect(hash.count >= 5)
    }

    @Test func refusesPicturesLargerThanAHundredPixels() {
        #expect(throws: MediaError.self) { try ThumbHash.encode(RGBImage(width: 160, height: 90, red: 1, green: 2, blue: 3)) }
        #expect(throws: MediaError.self) { try ThumbHash.decode([1, 2]) }
    }
}
