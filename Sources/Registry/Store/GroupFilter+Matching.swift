extension GroupFilter {
    /// `true` when `group` is one of the groups the filter covers (the same rule the store applies in SQL).
    public func matches(_ group: String) -> Bool {
        switch self {
        case .subtree(let root):
            return group == root || group.hasPrefix(root + ".")
        case .glob(let pattern):
            return Self.glob(Array(pattern), matches: Array(group))
        }
    }

    /// The text a client would write for this filter.
    public var text: String {
        switch self {
        case .subtree(let root): root
        case .glob(let pattern): pattern
        }
    }

    /// `*` matches any run of characters, `?` exactly one; everything else itself. Linear backtracking
    /// over the last `*`, so no pattern can make it slow.
    private static func glob(_ pattern: [Character], matches text: [Character]) -> Bool {
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
