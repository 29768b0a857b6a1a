/// Which guides contain a stem, with the stem's field weight in each, computed once at build
/// time (field weights, saturation, body length), so a query only multiplies and adds.
struct Posting: Sendable {
    let document: Int32
    let weight: Float
}

/// How often a stem occurs in each field of one guide while the index is built; compound-part
/// occurrences count as fractions.
struct FieldOccurrences {
    var title = 0.0
    var keywords = 0.0
    var headings = 0.0
    var body = 0.0

    /// Title > keywords > headings > body, whatever the counts (see `RankingWeights`).
    func weight(bodyLength: Int, averageBodyLength: Double) -> Double {
        let k = RankingWeights.saturation
        let lengthRatio = averageBodyLength > 0 ? Double(bodyLength) / averageBodyLength : 1
        let bodyK = k * (1 - RankingWeights.bodyLengthNormalization + RankingWeights.bodyLengthNormalization * lengthRatio)
        return RankingWeights.title * min(1, title)
            + RankingWeights.keywords * min(1, keywords)
            + RankingWeights.headings * headings / (headings + k)
            + RankingWeights.body * body / (body + bodyK)
    }
}

enum DocumentField: CaseIterable {
    case title, keywords, headings, body
}

extension FieldOccurrences {
    subscript(field: DocumentField) -> Double {
        get {
            switch field {
            case .title: title
            case .keywords: keywords
            case .headings: headings
            case .body: body
            }
        }
        set {
            switch field {
            case .title: title = newValue
            case .keywords: keywords = newValue
            case .headings: headings = newValue
            case .body: body = newValue
            }
        }
    }
}

extension Array where Element == Posting {
    /// Binary search: postings are sorted by document.
    func contains(document: Int32) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].document < document { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low].document == document
    }
}
