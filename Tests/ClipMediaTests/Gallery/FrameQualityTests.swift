import ClipMedia
import ClipTestSupport
import Testing

struct FrameQualityTests {
    @Test func blackPictureScoresZero() {
        let quality = FrameQuality(image: RGBImage(width: 64, height: 36, red: 3, green: 3, blue: 3))
        #expect(quality.isBlack)
        #expect(quality.score == 0)
    }

    @Test func sharpPictureScoresAboveItsBlurredCopy() throws {
        let sharp = FixtureFactory.pattern(index: 341, width: 320, height: 180)
        let blurred = try sharp.resized(width: 40, height: 22).resized(width: 320, height: 180)
        let a = FrameQuality(image: sharp)
        let b = FrameQuality(image: blurred)
        #expect(a.sharpness > 2 * b.sharpness)
        #expect(a.score > b.score)
    }

    @Test func flatGreyHasNoSpread() {
        let quality = FrameQuality(image: RGBImage(width: 64, height: 36, red: 128, green: 128, blue: 128))
        #expect(quality.spread < 1)
        #expect(quality.isFlat)
        #expect(!quality.isBlack)
    }

    @Test func histogramDistanceIsZeroForTheSamePicture() {
        let quality = FrameQuality(image: FixtureFactory.gradient(width: 64, height: 36))
        #expect(quality.histogramDistance(to: quality.histogram) < 1e-9)
        #expect(abs(quality.histogram.reduce(0, +) - 1) < 1e-9)
    }
}
