/// Optimal string alignment distance (Damerau–Levenshtein without repeated edits of the same
/// substring): insertions, deletions, substitutions and transpositions of two neighbouring
/// letters each count as one, so "lösneord" is as close to "lösenord" as "lösenrd" is.
enum EditDistance {
    /// The distance between `a` and `b`, or nil when it exceeds `maximum` (found early, without
    /// filling the whole table).
    static func optimalStringAlignment<Element: Equatable>(_ a: [Element], _ b: [Element], maximum: Int) -> Int? {
        if abs(a.count - b.count) > maximum { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > maximum { return nil }
            swap(&previousPrevious, &previous)
            swap(&previous, &current)
        }
        let distance = previous[b.count]
        return distance <= maximum ? distance : nil
    }

    /// The distance the issue allows for a typed word: none below 4 letters (too many short words
    /// are one letter apart), 1 for 4–7 letters, 2 from 8 letters on.
    static func allowedTypos(forLength length: Int) -> Int {
        switch length {
        case ..<4: 0
        case 4...7: 1
        default: 2
        }
    }
}
