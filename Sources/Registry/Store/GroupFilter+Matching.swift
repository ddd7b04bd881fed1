extension GroupFilter {
    /// `true` when `group` is one of the groups the filter covers: the same rule the store applies in SQL,
    /// so it compares code points (as the databases do), not Swift's canonically equivalent `Character`s.
    public func matches(_ group: String) -> Bool {
        switch self {
        case .subtree(let root):
            return group.utf8.elementsEqual(root.utf8) || group.utf8.starts(with: (root + ".").utf8)
        case .glob(let pattern):
            return Self.glob(Array(pattern.unicodeScalars), matches: Array(group.unicodeScalars))
        }
    }

    /// The text a client would write for this filter.
    public var text: String {
        switch self {
        case .subtree(let root): root
        case .glob(let pattern): pattern
        }
    }

    /// `*` matches any run of code points, `?` exactly one; everything else itself. Backtracking only to
    /// the last `*`, so no pattern can make it slow.
    private static func glob(_ pattern: [Unicode.Scalar], matches text: [Unicode.Scalar]) -> Bool {
        var patternIndex = 0, textIndex = 0
        var lastStar: Int?, textAtStar = 0
        while textIndex < text.count {
            if patternIndex < pattern.count, pattern[patternIndex] == "?" || pattern[patternIndex] == text[textIndex] {
                patternIndex += 1
                textIndex += 1
            } else if patternIndex < pattern.count, pattern[patternIndex] == "*" {
                lastStar = patternIndex
                textAtStar = textIndex
                patternIndex += 1
            } else if let star = lastStar {
                patternIndex = star + 1
                textAtStar += 1
                textIndex = textAtStar
            } else {
                return false
            }
        }
        while patternIndex < pattern.count, pattern[patternIndex] == "*" { patternIndex += 1 }
        return patternIndex == pattern.count
    }
}
