//! Password and passphrase generation. Randomness is passed in (`pick(n)` returns a uniform
//! number below `n`), so the rules are testable and the source is the caller's choice.

/// Which characters a generated password may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharSets {
    pub lower: bool,
    pub upper: bool,
    pub digits: bool,
    pub symbols: bool,
    /// Leave out characters that are easily confused (0/O, 1/l/I, quotes…).
    pub exclude_ambiguous: bool,
}

impl Default for CharSets {
    fn default() -> Self {
        Self { lower: true, upper: true, digits: true, symbols: true, exclude_ambiguous: true }
    }
}

pub const DEFAULT_LENGTH: usize = 20;
const AMBIGUOUS: &str = "0O1lI|`'\"";
const SYMBOLS: &str = "!#$%&*+-=?@^_~.,:;/()[]{}<>";

impl CharSets {
    /// The alphabets in use, each as a list of characters.
    pub fn alphabets(&self) -> Vec<Vec<char>> {
        let sets = [
            (self.lower, ('a'..='z').collect::<String>()),
            (self.upper, ('A'..='Z').collect::<String>()),
            (self.digits, ('0'..='9').collect::<String>()),
            (self.symbols, SYMBOLS.to_owned()),
        ];
        sets.into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, chars)| chars.chars().filter(|c| !self.exclude_ambiguous || !AMBIGUOUS.contains(*c)).collect())
            .filter(|set: &Vec<char>| !set.is_empty())
            .collect()
    }
}

/// A random password of `length` characters with at least one from each chosen set.
pub fn password(length: usize, sets: CharSets, pick: &mut dyn FnMut(usize) -> usize) -> Result<String, String> {
    let alphabets = sets.alphabets();
    if alphabets.is_empty() {
        return Err("choose at least one kind of character".into());
    }
    if length < alphabets.len() || length > 256 {
        return Err(format!("the length must be between {} and 256", alphabets.len()));
    }
    let all: Vec<char> = alphabets.iter().flatten().copied().collect();
    let mut chars: Vec<char> = alphabets.iter().map(|set| set[pick(set.len())]).collect();
    while chars.len() < length {
        chars.push(all[pick(all.len())]);
    }
    // Shuffle so the guaranteed characters are not always first (Fisher–Yates).
    for i in (1..chars.len()).rev() {
        chars.swap(i, pick(i + 1));
    }
    Ok(chars.into_iter().collect())
}

/// A passphrase of `words` words from `list`, joined by `separator`.
pub fn passphrase(
    words: usize,
    list: &[&str],
    separator: &str,
    pick: &mut dyn FnMut(usize) -> usize,
) -> Result<String, String> {
    if !(3..=20).contains(&words) {
        return Err("a passphrase has between 3 and 20 words".into());
    }
    if list.len() < 1000 {
        return Err("the word list is too short".into());
    }
    Ok((0..words).map(|_| list[pick(list.len())]).collect::<Vec<_>>().join(separator))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stand-in for the random source.
    fn counter() -> impl FnMut(usize) -> usize {
        let mut state: u64 = 12345;
        move |n| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % n
        }
    }

    #[test]
    fn passwords_have_the_length_and_every_chosen_set() {
        let mut pick = counter();
        for length in [4, 20, 64] {
            let p = password(length, CharSets::default(), &mut pick).expect("password");
            assert_eq!(p.chars().count(), length);
            assert!(p.chars().any(|c| c.is_ascii_lowercase()));
            assert!(p.chars().any(|c| c.is_ascii_uppercase()));
            assert!(p.chars().any(|c| c.is_ascii_digit()));
            assert!(p.chars().any(|c| SYMBOLS.contains(c)));
            assert!(!p.chars().any(|c| AMBIGUOUS.contains(c)));
        }
        let digits = CharSets { lower: false, upper: false, digits: true, symbols: false, exclude_ambiguous: false };
        let pin = password(8, digits, &mut pick).expect("pin");
        assert!(pin.chars().all(|c| c.is_ascii_digit()));
        let none = CharSets { lower: false, upper: false, digits: false, symbols: false, exclude_ambiguous: false };
        assert!(password(8, none, &mut pick).is_err());
        assert!(password(2, CharSets::default(), &mut pick).is_err());
    }

    #[test]
    fn passphrases_have_the_right_number_of_words() {
        let list: Vec<String> = (0..2000).map(|n| format!("w{n}")).collect();
        let refs: Vec<&str> = list.iter().map(String::as_str).collect();
        let phrase = passphrase(5, &refs, "-", &mut counter()).expect("phrase");
        assert_eq!(phrase.split('-').count(), 5);
        assert!(passphrase(2, &refs, "-", &mut counter()).is_err());
    }
}
