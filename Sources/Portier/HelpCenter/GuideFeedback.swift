import Crypto
import Fluent
import Foundation
import Vapor

/// "Hjälpte den här guiden dig?": one vote per visitor and guide, changeable; the guide's yes/no
/// counts are recounted from the votes so they can never drift.
struct GuideFeedback {
    static let voterCookie = "portier_voter"

    let database: any Database

    func vote(guideID: UUID, voter: String, isHelpful: Bool, comment: String?, at date: Date) async throws {
        let voterHash = TokenDigest.sha256Hex(voter)
        try await database.transactionTakingSQLiteWriteLock { database in
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

extension GuideFeedback {
    /// Comments ("what was missing?") one client address may send within an hour.
    static let commentsPerAddressAndHour = 20

    /// Counts a comment from the request's client address (IPv6: its /64) before it is stored, in
    /// one atomic reservation; returns the whole minutes until the address may comment again when
    /// it has used its hour's allowance, else `nil` (and the comment is counted). Votes without a
    /// comment are not limited.
    static func reserveComment(for request: Request) async throws -> Int? {
        let key = "feedback:comment:ip:" + request.clientThrottleKey
        let decision = try await Throttle(database: request.db).reserve(key, policy: .guideCommentsPerAddress, now: request.portier.clock.now())
        guard case .refused(let retryAfter) = decision else { return nil }
        return max(1, Int((retryAfter / 60).rounded(.up)))
    }
}

extension ThrottlePolicy {
    /// After ``GuideFeedback/commentsPerAddressAndHour`` comments, an address waits an hour
    /// from its last one; an hour without comments starts the count again.
    static let guideCommentsPerAddress = ThrottlePolicy(
        freeFailures: GuideFeedback.commentsPerAddressAndHour, window: 60 * 60, baseDelay: 60 * 60, maxDelay: 60 * 60
    )
}
