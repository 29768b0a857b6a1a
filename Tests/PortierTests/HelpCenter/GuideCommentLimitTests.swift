import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Portier

@Suite("Help center: comments per client address")
struct GuideCommentLimitTests {
    @Test("After 20 comments from one address within an hour, the next is refused with when")
    func commentsPerAddress() async throws {
        try await withPortierApp { context in
            try await context.importGuides(try GuideFolder.sample())
            let path = "/hjalp/inloggning-och-kontaktuppgifter/glomt-losenord"
            for number in 1...GuideFeedback.commentsPerAddressAndHour {
                let visitor = TestBrowser(app: context.app)
                try await visitor.get(path)
                #expect(try await visitor.post(path + "/feedback", ["helpful": "nej", "comment": "Kommentar \(number)"]).status == .seeOther)
                context.clock.advance(by: 60)
            }
            let another = TestBrowser(app: context.app)
            try await another.get(path)

            let refused = try await another.post(path + "/feedback", ["helpful": "nej", "comment": "En till"])
            let voteWithoutComment = try await another.post(path + "/feedback", ["helpful": "ja"])

            #expect(refused.status == .tooManyRequests)
            // The last comment was a minute ago: the address may comment again in 59 minutes.
            #expect(refused.body.string.contains("Du kan skicka en kommentar igen om 59 minut(er)."))
            #expect(voteWithoutComment.status == .seeOther)
            let comments = try await GuideVote.query(on: context.app.db).filter(\.$comment != nil).count()
            #expect(comments == GuideFeedback.commentsPerAddressAndHour)
        }
    }
}
