/// Words that carry no topic: "kan inte logga in" must rank by "logga in", not by which guide
/// says "kan" and "inte" most often. They are dropped from a query that has other words, and
/// only a query made of nothing else is searched by them.
///
/// Verb particles ("in", "ut", "upp", "out") are deliberately not stop words: "logga in" and
/// "logga ut" are different guides. "Ny", "nytt", "new" are: every guide about changing
/// something is about something new, so they only ever favour guides that happen to say it.
enum StopWords {
    static func contains(_ word: String, language: SearchLanguage) -> Bool {
        switch language {
        case .swedish: swedish.contains(word)
        case .english: english.contains(word)
        }
    }

    private static let swedish: Set<String> = [
        "alla", "allt", "att", "av", "blev", "bli", "blir", "blivit", "de", "dem", "den", "denna",
        "deras", "dess", "dessa", "det", "detta", "dig", "din", "dina", "ditt", "du", "där", "då",
        "efter", "ej", "eller", "en", "er", "era", "ert", "ett", "från", "för", "ha",
        "hade", "han", "hans", "har", "hej", "henne", "hennes", "hon", "honom", "hur", "här", "i",
        "icke", "ingen", "inom", "inte", "jag", "ju", "kan", "kunde", "man", "med", "mellan", "men",
        "mig", "min", "mina", "mitt", "mot", "mycket", "måste", "ni", "nu", "när", "någon", "något",
        "några", "ny", "nya", "nytt", "och", "om", "oss", "på", "samma", "sedan", "sig", "sin", "sina", "sitt", "skall",
        "ska", "skulle", "som", "så", "sådan", "sådana", "sådant", "till", "tack", "under", "var",
        "vad", "vara", "varför", "varit", "vars", "vart", "vem", "vi", "vid", "vilka", "vilken",
        "vilket", "vill", "vår", "våra", "vårt", "än", "är", "åt", "även",
    ]

    private static let english: Set<String> = [
        "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
        "can", "cannot", "cant", "could", "did", "do", "does", "dont", "doesnt", "for", "from",
        "get", "had", "has", "have", "hello", "hi", "how", "i", "if", "im", "is", "isnt", "it",
        "its", "me", "my", "new", "no", "not", "of", "on", "or", "our", "please", "should", "so", "some",
        "than", "that", "the", "their", "them", "then", "there", "these", "this", "those", "to",
        "too", "us", "was", "we", "were", "what", "when", "where", "which", "who", "why", "will",
        "with", "would", "you", "your", "yours",
    ]
}
