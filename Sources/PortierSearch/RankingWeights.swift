/// Every number the ranking uses, in one place, with the reason for it.
enum RankingWeights {
    // Fields. Title and keywords count once however often a word repeats there (an author
    // listing "lösenord" in five keywords has not made the guide five times more about it);
    // headings and body saturate. The steps are far enough apart that one occurrence in a
    // heavier field always beats any number in a lighter one.
    static let title = 8.0
    static let keywords = 5.0
    static let headings = 3.0
    static let body = 1.0
    /// BM25's saturation constant and length normalization, for headings and body.
    static let saturation = 1.2
    static let bodyLengthNormalization = 0.5

    /// A word found only as a part of a guide's compound ("adress" in "e-postadress") counts half:
    /// the guide is about it, but less directly than one that uses the word itself.
    static let compoundPartOccurrence = 0.5

    /// A multi-word keyword contained whole in the query, per unit of its words' rarity: as much
    /// again as the keyword field gives each of its words.
    static let keywordPhrase = 5.0

    // Query alternatives, relative to the word as typed (1.0).
    /// "losenord" for "lösenord": almost certainly the same word, typed on a keyboard without å, ä, ö.
    static let foldedSpelling = 0.95
    /// A synonym from the operators' file: meant the same, written differently.
    static let synonym = 0.9
    /// The typed word split into its parts ("domänförnyelse" → "domän" + "förnyelse").
    static let compoundParts = 0.85
    /// A word the visitor is still typing, completed to a longer word.
    static let prefixCompletion = 0.8
    /// A typo correction, by edit distance; ranking also puts guides found by the words as typed
    /// first (see `LanguageIndex.rank`), so these only order corrected results among themselves.
    static func correction(distance: Int) -> Double {
        distance <= 1 ? 0.6 : 0.45
    }

    /// Popularity, only ever compared between guides of equal relevance: a yes-vote says more
    /// than a view.
    static func popularity(views: Int, yesVotes: Int) -> Int {
        max(0, views) &+ 5 &* max(0, yesVotes)
    }
}
