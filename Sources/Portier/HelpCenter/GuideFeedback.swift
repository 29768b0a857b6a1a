import Crypto
import Fluent
import Foundation

/// "Hjälpte den här guiden dig?": one vote per visitor and guide, changeable; the guide's yes/no
/// counts are recounted from the votes so they can never drift.
struct GuideFeedback {
    static let voterCookie = "portier_voter"

    let database: any Database

    func vote(guideID: UUID, voter: String, isHelpful: Bool, comment: String?, at date: Date) async throws {
        let voterHash = TokenDigest.sha256Hex(voter)
        try await database.writeTransaction { database in
            let vote = try await GuideVote.query(on: database)
                .filter(\.$guide.$id == guideID)
                .filter(\.$voterHash == voterHash)
                .first() ?? GuideVote(guideID: guideID, voterHash: voterHash, isHelpful: isHelpful, votedAt: date)
            vote.isHelpful = isHelpful
            vote.votedAt = date
            if isHelpful {
                vote.comment = nil
            } else if let comment {
                vote.comment = comment
            }
            try await vote.save(on: database)
            let helpful = try await GuideVote.query(on: database).filter(\.$guide.$id == guideID).filter(\.$isHelpful == true).count()
            let notHelpful = try await GuideVote.query(on: database).filter(\.$guide.$id == guideID).filter(\.$isHelpful == false).count()
            try await Guide.query(on: database)
                .filter(\.$id == guideID)
                .set(\.$helpfulCount, to: helpful)
                .set(\.$notHelpfulCount, to: notHelpful)
                .update()
        }
    }
}
