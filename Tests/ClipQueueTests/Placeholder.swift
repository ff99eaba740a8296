import Testing
@testable import ClipQueue
