import Fluent
import Foundation

/// "Relaterade guider": the author's list first, then guides of the same category, then guides
/// sharing keywords; never the guide itself, at most five.
enum RelatedGuides {
    static let limit = 5

    static func select(for guide: Guide, among candidates: [Guide]) -> [Guide] {
        let others = candidates.filter { $0.id != guide.id && $0.language == guide.language }
        var chosen: [Guide] = []
        func add(_ candidate: Guide) {
            if chosen.count < limit, !chosen.contains(where: { $0.id == candidate.id }) { chosen.append(candidate) }
        }
        for slug in guide.relatedSlugList {
            if let match = others.first(where: { $0.slug == slug }) { add(match) }
        }
        for candidate in others.filter({ $0.$category.id == guide.$category.id }).sorted(by: { $0.sortOrder < $1.sortOrder }) {
            add(candidate)
        }
        let keywords = Set(guide.keywordList.map { $0.lowercased() })
        let byShared = others
            .map { ($0, Set($0.keywordList.map { $0.lowercased() }).intersection(keywords).count) }
            .filter { $0.1 > 0 }
            .sorted { $0.1 > $1.1 }
        for (candidate, _) in byShared { add(candidate) }
        return chosen
    }
}
