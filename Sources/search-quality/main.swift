import Foundation
import PortierSearch

// Measures help-center search on the real guides and relevance sets, then its speed on 1,000
// synthetic guides. Run from the repository root (or pass it as the first argument); run by
// `bench/search-quality`, which builds this in release mode and checks the targets.
//
// Besides the readable report, it prints `figure <name> <value>` lines for the bench script.

let root = URL(fileURLWithPath: CommandLine.arguments.dropFirst().first ?? FileManager.default.currentDirectoryPath)

func figure(_ name: String, _ value: Double) {
    print("figure \(name) \(String(format: "%.4f", value))")
}

func milliseconds(_ duration: Duration) -> Double {
    let parts = duration.components
    return Double(parts.seconds) * 1000 + Double(parts.attoseconds) / 1e15
}

func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
}

/// A small deterministic random number generator (SplitMix64), so every run generates the
/// same synthetic guides and queries.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: Relevance on the real guides

let guides: [SearchDocument]
var synonyms: [SearchLanguage: SynonymList] = [:]
do {
    guides = try GuideFiles.documents(in: root.appendingPathComponent("Resources/Guides"))
    for language in SearchLanguage.allCases {
        synonyms[language] = try SynonymList(contentsOf: root.appendingPathComponent("Resources/Search/synonyms.\(language.rawValue)"))
    }
} catch {
    print("search-quality: cannot read the guides or synonyms under \(root.path): \(error)")
    exit(2)
}
let index = SearchIndex(documents: guides, synonyms: synonyms)
print("Relevance (\(guides.count) guides)")
for language in SearchLanguage.allCases {
    let file = root.appendingPathComponent("tests/search/relevance.\(language.rawValue).tsv")
    guard let set = try? RelevanceSet(contentsOf: file) else {
        print("search-quality: cannot read \(file.path)")
        exit(2)
    }
    let report = set.evaluate(with: index, language: language)
    print(report.summary)
    report.missDescriptions.forEach { print($0) }
    figure("\(language.rawValue).top1", report.topOne)
    figure("\(language.rawValue).top3", report.topThree)
    figure("\(language.rawValue).mrr", report.meanReciprocalRank)
}

// MARK: Latency on 1,000 synthetic guides

var random = SplitMix64(state: 2026)
let swedish = guides.filter { $0.language == .swedish }
let titleWords = Array(Set(swedish.flatMap { $0.title.split(separator: " ").map(String.init) })).sorted()
let keywordPool = Array(Set(swedish.flatMap(\.keywords))).sorted()
let headingPool = Array(Set(swedish.flatMap(\.headings))).sorted()
let sentencePool = swedish.flatMap { $0.body.split(whereSeparator: { $0 == "." || $0 == "\n" }).map(String.init) }
    .filter { $0.count > 10 }
let wordPool = Array(Set(sentencePool.flatMap { $0.split(separator: " ").map { $0.filter(\.isLetter).lowercased() } }
    .filter { $0.count >= 4 })).sorted()

@MainActor func pick<T>(_ pool: [T]) -> T { pool[Int.random(in: 0..<pool.count, using: &random)] }

let synthetic: [SearchDocument] = (0..<1_000).map { number in
    // New compounds of real words, so the synthetic vocabulary is larger than the real one.
    let compounds = (0..<5).map { _ in pick(wordPool) + pick(wordPool) }
    return SearchDocument(
        id: "syntetisk-\(number)",
        language: .swedish,
        title: (0..<Int.random(in: 3...6, using: &random)).map { _ in pick(titleWords) }.joined(separator: " "),
        keywords: (0..<Int.random(in: 5...10, using: &random)).map { _ in pick(keywordPool) },
        headings: (0..<Int.random(in: 1...4, using: &random)).map { _ in pick(headingPool) },
        body: ((0..<Int.random(in: 20...50, using: &random)).map { _ in pick(sentencePool) } + compounds).joined(separator: ". "),
        views: Int.random(in: 0...5_000, using: &random),
        yesVotes: Int.random(in: 0...200, using: &random)
    )
}
let buildStart = ContinuousClock.now
let large = SearchIndex(documents: synthetic, synonyms: synonyms)
let buildTime = milliseconds(ContinuousClock.now - buildStart)

@MainActor func typo(_ word: String) -> String {
    var letters = Array(word)
    guard letters.count >= 4 else { return word }
    let position = Int.random(in: 1..<(letters.count - 1), using: &random)
    switch Int.random(in: 0..<4, using: &random) {
    case 0: letters.remove(at: position)
    case 1: letters.insert(letters[position], at: position)
    case 2: letters.swapAt(position, position - 1)
    default: letters[position] = pick(Array("abcdefghijklmnoprstuvyäåö"))
    }
    return String(letters)
}

let relevanceQueries = (try? RelevanceSet(contentsOf: root.appendingPathComponent("tests/search/relevance.sv.tsv")))?.cases.map(\.query) ?? []
let queries: [String] = (0..<3_000).map { number in
    switch number % 6 {
    case 0: relevanceQueries.isEmpty ? pick(wordPool) : pick(relevanceQueries)
    case 1: (0..<Int.random(in: 1...4, using: &random)).map { _ in pick(wordPool) }.joined(separator: " ")
    case 2: typo(pick(wordPool)) + " " + pick(wordPool)
    case 3: pick(wordPool) + pick(wordPool)
    case 4: "hur " + pick(wordPool) + " jag " + typo(pick(wordPool))
    default: pick(keywordPool)
    }
}
let prefixes: [String] = (0..<1_000).map { _ in
    let word = pick(wordPool)
    return String(word.prefix(Int.random(in: 2...min(8, word.count), using: &random)))
}

func measure(_ inputs: [String], _ run: (String) -> Int) -> (sorted: [Double], found: Int) {
    var times: [Double] = []
    var found = 0
    for input in inputs {
        let start = ContinuousClock.now
        found += run(input) > 0 ? 1 : 0
        times.append(milliseconds(ContinuousClock.now - start))
    }
    return (times.sorted(), found)
}

let searchTimes = measure(queries) { large.search($0, language: .swedish, limit: 20).count }
let instantTimes = measure(prefixes) { large.instant($0, language: .swedish).count }
let emptyQueries = queries.filter { large.search($0, language: .swedish, limit: 1).isEmpty }
let didYouMeanTimes = measure(Array(emptyQueries.prefix(200))) { large.didYouMean($0, language: .swedish) == nil ? 0 : 1 }

print("")
print("Latency (1,000 synthetic guides, index built in \(String(format: "%.0f", buildTime)) ms, no cache)")
print(String(format: "  search:      %d queries (%d with results), p50 %.2f ms, p99 %.2f ms, max %.2f ms",
             queries.count, searchTimes.found, percentile(searchTimes.sorted, 0.5), percentile(searchTimes.sorted, 0.99), searchTimes.sorted.last ?? 0))
print(String(format: "  instant:     %d prefixes, p50 %.2f ms, p99 %.2f ms",
             prefixes.count, percentile(instantTimes.sorted, 0.5), percentile(instantTimes.sorted, 0.99)))
print(String(format: "  did you mean: %d queries without results, p50 %.2f ms, p99 %.2f ms",
             didYouMeanTimes.sorted.count, percentile(didYouMeanTimes.sorted, 0.5), percentile(didYouMeanTimes.sorted, 0.99)))
figure("search.p50_ms", percentile(searchTimes.sorted, 0.5))
figure("search.p99_ms", percentile(searchTimes.sorted, 0.99))
figure("instant.p99_ms", percentile(instantTimes.sorted, 0.99))
figure("build_ms", buildTime)
